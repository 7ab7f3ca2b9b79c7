extension Array {
    /// Hands every element to `body`, first to last, moved out of the array, and leaves the
    /// array empty.
    ///
    /// Issue 17: the rows of an import are large values (some 30 strings); iterating an array
    /// copies each element and later destroys the array's own, and `reverse()` copies the two
    /// elements of each swap. Here the array is reversed by moves (``reverseByMoving()``), then
    /// popped from the end, which moves each element out with no retain or release. An array
    /// shared with another owner is copied once, by the first write to it.
    @inlinable
    package mutating func drainInOrder(_ body: (consuming Element) throws -> Void) rethrows {
        reverseByMoving()
        while let element = popLast() {
            try body(element)
        }
    }

    /// Reverses the array in place by swapping its elements through its buffer: moves, with no
    /// copy of an element. A caller whose loop must `await` pairs it with `popLast()` itself.
    @inlinable
    package mutating func reverseByMoving() {
        withUnsafeMutableBufferPointer { buffer in
            guard var low = buffer.baseAddress, buffer.count > 1 else { return }
            var high = low + (buffer.count - 1)
            while low < high {
                swap(&low.pointee, &high.pointee)
                low += 1
                high -= 1
            }
        }
    }
}
