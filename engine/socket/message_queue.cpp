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
    for (auto& spare : spares_) delete spare.load(std::memory_order_acquire);
}

MessageQueue::Chunk* MessageQueue::new_chunk() {
    // Producer side: take the oldest chunk the reader handed back, if any.
    Chunk* chunk = spares_[spare_take_ % kSpareChunks].exchange(nullptr, std::memory_order_acquire);
    if (chunk == nullptr) return new Chunk();
    ++spare_take_;
    chunk->next = nullptr;
    return chunk;
}

void MessageQueue::recycle(Chunk* chunk) {
    // Consumer side. Slots were moved out, so they hold only empty Messages. A queue that
    // once held N chunks' worth is likely to again (a publisher bursting to its HWM):
    // freeing them would hand their pages back and fault them in anew, which costs more
    // than the messages themselves. The slots between the two indices are non-null; a
    // non-null slot at ours means all kSpareChunks are kept already.
    std::atomic<Chunk*>& slot = spares_[spare_give_ % kSpareChunks];
    if (slot.load(std::memory_order_acquire) != nullptr) {
        delete chunk;
        return;
    }
    slot.store(chunk, std::memory_order_release);
    ++spare_give_;
}

size_t MessageQueue::count_traced() const {
    size_t count = 0;
    const Chunk* chunk = read_chunk_;
    const uint64_t end = written_.load(std::memory_order_acquire);
    for (uint64_t index = read_index_.load(std::memory_order_relaxed); index < end; ++index) {
        if (chunk->slots[index % kChunkSlots].trace_id != 0) ++count;
        if (index % kChunkSlots == kChunkSlots - 1) chunk = chunk->next;
    }
    return count;
}

bool MessageQueue::full() const noexcept {
    const uint64_t capacity = capacity_.load(std::memory_order_relaxed);
    return capacity != 0 && write_index_ - credited_.load(std::memory_order_acquire) >= capacity;
}

MessageQueue::CapacityChange MessageQueue::set_capacity(uint64_t capacity_messages) {
    const uint64_t before = capacity_.exchange(capacity_messages, std::memory_order_seq_cst);
    CapacityChange change;
    // Counted from the published messages: either side may be calling.
    const uint64_t uncredited =
        written_.load(std::memory_order_seq_cst) - credited_.load(std::memory_order_seq_cst);
    // A reader credits each batch as it completes one, so it never holds a full batch
    // uncredited, until the batch shrinks. One asleep on an empty queue may then hold
    // enough to keep the writer full for ever: wake it, and its pop() on the empty queue
    // credits them. (Had it not armed yet, that pop() reads the new capacity itself.)
    const uint64_t batch = credit_batch(capacity_messages);
    if (batch < credit_batch(before) && uncredited >= batch &&
        reader_waiting_.load(std::memory_order_seq_cst)) {
        change.wake_reader = reader_waiting_.exchange(false, std::memory_order_seq_cst);
    }
    if (writer_waiting_.load(std::memory_order_seq_cst) &&
        (capacity_messages == 0 || uncredited < capacity_messages)) {
        change.wake_writer = writer_waiting_.exchange(false, std::memory_order_seq_cst);
    }
    return change;
}

MessageQueue::PushResult MessageQueue::push(Message& msg) {
    if (full()) {
        writer_waiting_.store(true, std::memory_order_seq_cst);
        // The reader may have credited reads between the check and the arming.
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

bool MessageQueue::credit_reads(uint64_t reads) {
    credited_index_ = reads;
    credited_.store(reads, std::memory_order_seq_cst);
    // Paired with the writer's arming and re-check in push(): either it sees this credit
    // or this sees it waiting.
    if (!writer_waiting_.load(std::memory_order_seq_cst)) return false;
    // Still full for the writer: a later batch wakes it. (Its unpublished writes are not
    // counted here; a wake-up they make useless only costs it a retry.)
    const uint64_t capacity = capacity_.load(std::memory_order_relaxed);
    if (capacity != 0 && written_.load(std::memory_order_acquire) - reads >= capacity) return false;
    return writer_waiting_.exchange(false, std::memory_order_seq_cst);
}

MessageQueue::PopResult MessageQueue::pop(Message& out) {
    const uint64_t index = read_index_.load(std::memory_order_relaxed);
    if (index >= written_.load(std::memory_order_acquire)) {
        reader_waiting_.store(true, std::memory_order_seq_cst);
        // A push may have landed between the check and the arming.
        if (index >= written_.load(std::memory_order_seq_cst)) {
            // Going to sleep: uncredited reads must not keep the writer full meanwhile.
            // With a steady capacity they never reach a batch here (each full batch was
            // credited at once); after set_capacity shrank the batch they may.
            const uint64_t capacity = capacity_.load(std::memory_order_seq_cst);
            if (index - credited_index_ < credit_batch(capacity)) return PopResult::empty;
            return credit_reads(index) ? PopResult::empty_wake_writer : PopResult::empty;
        }
        reader_waiting_.store(false, std::memory_order_relaxed);
    }
    const size_t slot = index % kChunkSlots;
    out = std::move(read_chunk_->slots[slot]);
    if (slot == kChunkSlots - 1) {
        Chunk* done = read_chunk_;
        read_chunk_ = read_chunk_->next;
        assert(read_chunk_ != nullptr);
        recycle(done);
    }
    const uint64_t reads = index + 1;
    read_index_.store(reads, std::memory_order_release);
    // libzmq credits when its read count is a multiple of the LWM; counting from the last
    // credit is the same while the capacity holds, and stays bounded when it changes.
    if (reads - credited_index_ < credit_batch(capacity_.load(std::memory_order_relaxed)))
        return PopResult::ok;
    return credit_reads(reads) ? PopResult::ok_wake_writer : PopResult::ok;
}

}  // namespace sculpin
