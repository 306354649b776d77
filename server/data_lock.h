#pragma once
// An advisory lock on a data folder (<data>/pcs.lock), held by a running server, so commands
// that must not run beside it (restore) can tell and refuse instead of losing data.

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

namespace pcs::server {

class DataLock {
 public:
  // Takes the lock if nobody holds it; held() says whether it did. Never blocks.
  explicit DataLock(const std::string& dataDir) {
    fd_ = ::open((dataDir + "/pcs.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~DataLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  DataLock(const DataLock&) = delete;
  DataLock& operator=(const DataLock&) = delete;

  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace pcs::server
