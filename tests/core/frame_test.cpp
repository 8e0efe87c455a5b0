#include "core/frame.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace sculpin {
namespace {

struct FreeCounter {
    int calls = 0;
    void* last_data = nullptr;
};

void count_free(void* data, void* hint) {
    auto* counter = static_cast<FreeCounter*>(hint);
    ++counter->calls;
    counter->last_data = data;
    std::free(data);
}

// Caller-owned bytes as zmq_msg_init_data would hand them over.
void* make_caller_bytes(size_t size, char fill) {
    void* data = std::malloc(size);
    std::memset(data, fill, size);
    return data;
}

TEST(Frame, DefaultFrameIsEmptyAndInline) {
    Frame frame;
    EXPECT_TRUE(frame.empty());
    EXPECT_EQ(frame.size(), 0u);
    EXPECT_FALSE(frame.is_shared());
    EXPECT_EQ(frame.view(), "");
}

TEST(Frame, SixtyFourBytesAreStoredInline) {
    const std::string text(Frame::kInlineCapacity, 'x');
    ASSERT_EQ(text.size(), 64u);
    Frame frame(text);
    EXPECT_FALSE(frame.is_shared());
    EXPECT_EQ(frame.size(), 64u);
    EXPECT_EQ(frame.view(), text);
}

TEST(Frame, SixtyFiveBytesAreStoredInASharedBuffer) {
    const std::string text(Frame::kInlineCapacity + 1, 'y');
    Frame frame(text);
    EXPECT_TRUE(frame.is_shared());
    EXPECT_EQ(frame.size(), 65u);
    EXPECT_EQ(frame.view(), text);
}

TEST(Frame, WithSizeFollowsTheSameInlineLimit) {
    EXPECT_FALSE(Frame::with_size(64).is_shared());
    EXPECT_TRUE(Frame::with_size(65).is_shared());
    EXPECT_EQ(Frame::with_size(65).size(), 65u);
}

TEST(Frame, CopyOfInlineFrameCopiesTheBytes) {
    Frame original(std::string_view("hello"));
    Frame copy(original);
    EXPECT_NE(copy.data(), original.data());
    EXPECT_EQ(copy, original);
    copy.mutable_data()[0] = 'j';
    EXPECT_EQ(original.view(), "hello");
    EXPECT_EQ(copy.view(), "jello");
}

TEST(Frame, CopyOfLargeFrameSharesTheBufferInsteadOfCopying) {
    const std::string text(1000, 'z');
    Frame original(text);
    Frame copy(original);
    Frame assigned;
    assigned = original;
    EXPECT_TRUE(copy.is_shared());
    EXPECT_EQ(copy.data(), original.data());
    EXPECT_EQ(assigned.data(), original.data());
    EXPECT_EQ(copy.view(), text);
}

TEST(Frame, SharedBufferLivesUntilTheLastCopyIsGone) {
    FreeCounter counter;
    void* bytes = make_caller_bytes(100, 'a');
    {
        Frame copy;
        {
            Frame original = Frame::adopt(bytes, 100, count_free, &counter);
            copy = original;
            Frame another(original);
            EXPECT_EQ(another.data(), bytes);
        }
        // `original` and `another` are gone; `copy` still holds a reference.
        EXPECT_EQ(counter.calls, 0);
        EXPECT_EQ(copy.data(), bytes);
        EXPECT_EQ(copy.view(), std::string(100, 'a'));
    }
    EXPECT_EQ(counter.calls, 1);
    EXPECT_EQ(counter.last_data, bytes);
}

TEST(Frame, MutableDataOnASharedBufferCopiesFirst) {
    const std::string text(100, 'q');
    Frame original(text);
    Frame copy(original);
    ASSERT_EQ(copy.data(), original.data());

    uint8_t* writable = copy.mutable_data();
    EXPECT_NE(writable, original.data());
    writable[0] = 'W';
    EXPECT_EQ(original.view(), text);
    EXPECT_EQ(copy.view().substr(0, 2), "Wq");
    EXPECT_EQ(copy.size(), 100u);
}

TEST(Frame, MutableDataOnAnExclusiveBufferDoesNotCopy) {
    Frame frame(std::string(100, 'q'));
    const uint8_t* before = frame.data();
    uint8_t* writable = frame.mutable_data();
    EXPECT_EQ(writable, before);
    writable[1] = 'R';
    EXPECT_EQ(frame.view().substr(0, 3), "qRq");
}

TEST(Frame, MutableDataOnTheLastRemainingCopyDoesNotCopy) {
    Frame original(std::string(100, 'q'));
    Frame copy(original);
    original.reset();
    const uint8_t* before = copy.data();
    EXPECT_EQ(copy.mutable_data(), before);
}

TEST(Frame, AdoptIsZeroCopyAndCallsFreeExactlyOnce) {
    FreeCounter counter;
    void* bytes = make_caller_bytes(10, 'b');
    {
        Frame frame = Frame::adopt(bytes, 10, count_free, &counter);
        EXPECT_TRUE(frame.is_shared());
        EXPECT_EQ(frame.data(), bytes);
        EXPECT_EQ(frame.size(), 10u);
        Frame moved(std::move(frame));
        Frame move_assigned;
        move_assigned = std::move(moved);
        EXPECT_EQ(move_assigned.data(), bytes);
        EXPECT_EQ(counter.calls, 0);
    }
    EXPECT_EQ(counter.calls, 1);
    EXPECT_EQ(counter.last_data, bytes);
}

TEST(Frame, AdoptedBufferIsFreedOnResetAndNotAgainOnDestruction) {
    FreeCounter counter;
    {
        Frame frame = Frame::adopt(make_caller_bytes(8, 'c'), 8, count_free, &counter);
        frame.reset();
        EXPECT_EQ(counter.calls, 1);
        EXPECT_TRUE(frame.empty());
        EXPECT_FALSE(frame.is_shared());
        frame.reset();
    }
    EXPECT_EQ(counter.calls, 1);
}

TEST(Frame, AdoptedBufferIsFreedWhenOverwrittenByAssignment) {
    FreeCounter counter;
    Frame frame = Frame::adopt(make_caller_bytes(8, 'd'), 8, count_free, &counter);
    frame = Frame(std::string_view("small"));
    EXPECT_EQ(counter.calls, 1);
    EXPECT_EQ(frame.view(), "small");
}

TEST(Frame, MutableDataOnASharedAdoptedBufferCopiesAndKeepsTheOriginal) {
    FreeCounter counter;
    void* bytes = make_caller_bytes(16, 'e');
    {
        Frame original = Frame::adopt(bytes, 16, count_free, &counter);
        Frame copy(original);
        copy.mutable_data()[0] = 'E';
        EXPECT_EQ(original.data(), bytes);
        EXPECT_EQ(original.view(), std::string(16, 'e'));
        EXPECT_EQ(copy.view(), "E" + std::string(15, 'e'));
        EXPECT_EQ(counter.calls, 0);
    }
    EXPECT_EQ(counter.calls, 1);
}

TEST(Frame, SelfAssignmentKeepsTheContents) {
    Frame large(std::string(100, 'f'));
    Frame& alias = large;
    large = alias;
    EXPECT_EQ(large.view(), std::string(100, 'f'));
    Frame small(std::string_view("tiny"));
    Frame& small_alias = small;
    small = small_alias;
    EXPECT_EQ(small.view(), "tiny");
}

TEST(Frame, MovedFromFrameIsEmpty) {
    Frame large(std::string(100, 'g'));
    Frame target(std::move(large));
    EXPECT_TRUE(large.empty());  // NOLINT(bugprone-use-after-move): documented state
    EXPECT_FALSE(large.is_shared());
    EXPECT_EQ(target.size(), 100u);
}

TEST(Frame, EqualityComparesBytesNotStorage) {
    const std::string text(50, 'h');
    EXPECT_EQ(Frame(text), Frame(text));
    EXPECT_FALSE(Frame(text) == Frame(std::string(50, 'i')));
    EXPECT_FALSE(Frame(std::string_view("ab")) == Frame(std::string_view("abc")));
    EXPECT_EQ(Frame(), Frame(std::string_view("")));
}

}  // namespace
}  // namespace sculpin
