// A small persistent pool: parallelFor hands out indices through an atomic counter; the calling thread works too.
// Callers make results independent of which thread ran which index, so output is deterministic.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }
  // Runs fn(i) for i in [0, n), each index exactly once, in indices grabbed `grain` at a time.
  void parallelFor(int n, const std::function<void(int)>& fn, int grain = 1);

 private:
  void workerLoop();
  void runShare();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)>* job_ = nullptr;
  int jobSize_ = 0;
  int grain_ = 1;
  std::atomic<int> next_{0};
  int busy_ = 0;
  unsigned generation_ = 0;
  bool stopping_ = false;
};

}  // namespace kiln
