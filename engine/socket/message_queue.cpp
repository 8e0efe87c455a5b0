#include "socket/message_queue.hpp"

namespace sculpin {

MessageQueue::MessageQueue(uint64_t capacity_messages) : capacity_(capacity_messages) {
    write_chunk_ = new Chunk();
    read_chunk_ = write_chunk_;
}

MessageQueue::~MessageQueue() {
    Chunk* chunk = read_chunk_;
    while (chunk != nullptr) {
        Chunk* next = chunk->next;
        delete chunk;
        chunk = next;
    }
    delete spare_.load();
}

MessageQueue::Chunk* MessageQueue::new_chunk() {
    Chunk* chunk = spare_.exchange(nullptr, std::memory_order_acq_rel);
    if (chunk == nullptr) return new Chunk();
    chunk->next = nullptr;
    return chunk;
}

void MessageQueue::recycle(Chunk* chunk) {
    // Slots were moved out, so they hold only empty Messages; keep one chunk for reuse.
    Chunk* previous = spare_.exchange(chunk, std::memory_order_acq_rel);
    delete previous;
}

size_t MessageQueue::count_traced() const {
    size_t count = 0;
    const Chunk* chunk = read_chunk_;
    const uint64_t end = written_.load(std::memory_order_acquire);
    for (uint64_t index = read_index_; index < end; ++index) {
        if (chunk->slots[index % kChunkSlots].trace_id != 0) ++count;
        if (index % kChunkSlots == kChunkSlots - 1) chunk = chunk->next;
    }
    return count;
}

bool MessageQueue::full() const noexcept {
    const uint64_t capacity = capacity_.load(std::memory_order_relaxed);
    return capacity != 0 && write_index_ - read_.load(std::memory_order_acquire) >= capacity;
}

bool MessageQueue::set_capacity(uint64_t capacity_messages) {
    capacity_.store(capacity_messages, std::memory_order_seq_cst);
    if (!writer_waiting_.load(std::memory_order_seq_cst)) return false;
    // Counted from the published messages: either side may be calling.
    const uint64_t queued =
        written_.load(std::memory_order_acquire) - read_.load(std::memory_order_acquire);
    if (capacity_messages != 0 && queued >= capacity_messages) return false;
    return writer_waiting_.exchange(false, std::memory_order_seq_cst);
}

MessageQueue::PushResult MessageQueue::push(Message& msg) {
    if (full()) {
        writer_waiting_.store(true, std::memory_order_seq_cst);
        // The reader may have drained the queue between the check and the arming.
        if (full()) return PushResult::full;
        writer_waiting_.store(false, std::memory_order_relaxed);
    }
    return publish(msg);
}

bool MessageQueue::check_room() {
    if (!full()) return true;
    writer_waiting_.store(true, std::memory_order_seq_cst);
    if (full()) return false;
    writer_waiting_.store(false, std::memory_order_relaxed);
    return true;
}

MessageQueue::PushResult MessageQueue::push_forced(Message& msg) {
    return publish(msg);
}

MessageQueue::PushResult MessageQueue::push_unpublished(Message& msg) {
    if (full()) {
        writer_waiting_.store(true, std::memory_order_seq_cst);
        if (full()) return PushResult::full;
        writer_waiting_.store(false, std::memory_order_relaxed);
    }
    store(msg);
    return PushResult::ok;
}

MessageQueue::PushResult MessageQueue::publish() {
    if (written_.load(std::memory_order_relaxed) == write_index_) return PushResult::ok;
    written_.store(write_index_, std::memory_order_seq_cst);
    if (reader_waiting_.load(std::memory_order_seq_cst) &&
        reader_waiting_.exchange(false, std::memory_order_seq_cst)) {
        return PushResult::ok_wake_reader;
    }
    return PushResult::ok;
}

void MessageQueue::store(Message& msg) {
    const size_t slot = write_index_ % kChunkSlots;
    write_chunk_->slots[slot] = std::move(msg);
    if (slot == kChunkSlots - 1) {
        // Link the next chunk before publishing the last slot of this one, so the
        // reader always finds `next` set when it crosses the boundary.
        write_chunk_->next = new_chunk();
        write_chunk_ = write_chunk_->next;
    }
    ++write_index_;
}

MessageQueue::PushResult MessageQueue::publish(Message& msg) {
    store(msg);
    written_.store(write_index_, std::memory_order_seq_cst);
    if (reader_waiting_.load(std::memory_order_seq_cst) &&
        reader_waiting_.exchange(false, std::memory_order_seq_cst)) {
        return PushResult::ok_wake_reader;
    }
    return PushResult::ok;
}

MessageQueue::PopResult MessageQueue::pop(Message& out) {
    if (read_index_ >= written_.load(std::memory_order_acquire)) {
        reader_waiting_.store(true, std::memory_order_seq_cst);
        // A push may have landed between the check and the arming.
        if (read_index_ >= written_.load(std::memory_order_seq_cst)) return PopResult::empty;
        reader_waiting_.store(false, std::memory_order_relaxed);
    }
    const size_t slot = read_index_ % kChunkSlots;
    out = std::move(read_chunk_->slots[slot]);
    if (slot == kChunkSlots - 1) {
        Chunk* done = read_chunk_;
        read_chunk_ = read_chunk_->next;
        assert(read_chunk_ != nullptr);
        recycle(done);
    }
    ++read_index_;
    read_.store(read_index_, std::memory_order_seq_cst);
    if (writer_waiting_.load(std::memory_order_seq_cst) &&
        written_.load(std::memory_order_acquire) - read_index_ <= low_water_mark()) {
        if (writer_waiting_.exchange(false, std::memory_order_seq_cst))
            return PopResult::ok_wake_writer;
    }
    return PopResult::ok;
}

}  // namespace sculpin
