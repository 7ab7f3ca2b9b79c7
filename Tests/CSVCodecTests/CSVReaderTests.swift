import Testing
import CSVCodec

@Suite struct CSVReaderTests {
    @Test func readsSimpleRecords() throws {
        let reader = CSVReader(bytes: Array("a,b\n1,2\n".utf8))
        #expect(try reader.next()?.fields == ["a", "b"])
        #expect(try reader.next()?.fields == ["1", "2"])
        #expect(try reader.next() == nil)
    }
}
