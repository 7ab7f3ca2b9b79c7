/// Where a ``JSONScanner`` last found a key with a ``JSONKeyTable`` at one depth and member
/// position, so that the key at the same place of the next object is recognized by comparing
/// bytes.
///
/// Why: the resources of a bulk answer all list the same keys in the same order; finding each
/// key's end, checking it and looking it up in the table cost ~130 instructions a key, some
/// forty keys a resource (issue 17).
///
/// Why a match checks as much as reading would: a guess is kept only for a key that was read
/// and checked (its escapes and UTF-8 included) with its colon right after its closing quote;
/// bytes equal to `"key":` are that same key and colon, so nothing in them can fail, and the
/// same table gives the same index. The table is compared by identity.
struct JSONKeyGuess {
    /// Offset of the key's opening quote in the document.
    var quote: Int32 = 0
    /// Bytes between the quotes; 0 for no guess (an empty key is never kept).
    var length: UInt16 = 0
    /// The key's index in the table, -1 when the table does not have it.
    var index: Int16 = -1
    /// The table's identity (`ObjectIdentifier`'s bits).
    var table: UInt = 0
    /// Where the unwanted object or array after this key began in the document, and its length
    /// in bytes; 0 for none. Kept only for a value ``JSONScanner/skipValue()`` checked.
    ///
    /// Why: the resources of a bulk answer mostly repeat their unwanted containers byte for
    /// byte (an address, a contact, custom fields, all `null`); skipping each checked every
    /// byte, ~3,600 instructions a resource (issue 17). Bytes equal to a checked value are that
    /// same value, so nothing in them can fail: comparing them stands for checking them.
    var valueStart: Int32 = 0
    var valueLength: Int32 = 0
    /// The scanner's depth when that value was checked: the same bytes deeper could pass the
    /// nesting limit (``JSONScanner/maxDepth``), so they stand for it only at the same depth.
    var valueDepth: Int32 = -1

    /// How many guesses a scanner keeps: 4 depths (mod 4) × 64 member positions (mod 64), room
    /// for a resource's some forty keys and its options' dozen. Two places sharing a slot only
    /// make guesses miss; a match never depends on the slot.
    static let slots = 256

    @inline(__always)
    static func slot(depth: Int, member: Int) -> Int {
        (depth & 3) &<< 6 | (member & 63)
    }
}
