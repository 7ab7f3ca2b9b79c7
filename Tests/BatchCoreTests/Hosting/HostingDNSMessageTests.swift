import Testing
import TestSupport
@testable import BatchCore
@testable import BatchRules

/// Wire format: hand-built byte arrays, compression, hostile input.
@Suite struct HostingDNSMessageTests {
    /// A response to "acme.com MX" with two compressed MX answers:
    /// aspmx.l.google.com (pref 1, "com" by pointer) and alt1.aspmx.l.google.com (pref 5,
    /// pointing into the first answer's RDATA).
    static let compressedResponse: [UInt8] = [
        0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
        // question @12: acme.com MX IN
        0x04, 0x61, 0x63, 0x6D, 0x65, 0x03, 0x63, 0x6F, 0x6D, 0x00, 0x00, 0x0F, 0x00, 0x01,
        // answer 1 @26: ptr→12, MX, IN, ttl 3600, rdlength 19
        0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x13,
        // rdata @38: pref 1, "aspmx"@40 "l" "google" ptr→17 ("com")
        0x00, 0x01, 0x05, 0x61, 0x73, 0x70, 0x6D, 0x78, 0x01, 0x6C,
        0x06, 0x67, 0x6F, 0x6F, 0x67, 0x6C, 0x65, 0xC0, 0x11,
        // answer 2 @57: ptr→12, MX, IN, ttl 3600, rdlength 9
        0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x09,
        // rdata: pref 5, "alt1" ptr→40
        0x00, 0x05, 0x04, 0x61, 0x6C, 0x74, 0x31, 0xC0, 0x28,
    ]

    @Test func queryHasRandomlyChosenIdRDOneMXQuestion() throws {
        let q = try DNSMessage.query(for: "Acme.COM.", id: 0xBEEF)
        let bytes = try q.encoded()
        #expect(bytes == [0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                          0x04, 0x61, 0x63, 0x6D, 0x65, 0x03, 0x63, 0x6F, 0x6D, 0x00, 0x00, 0x0F, 0x00, 0x01])
        #expect(q.header.recursionDesired)
        #expect(!q.header.isResponse)
        let ids = Set(try (0..<20).map { _ in try DNSMessage.query(for: "acme.com").header.id })
        #expect(ids.count > 1)
    }

    @Test func queryRejectsNamesThatCannotGoOnTheWire() {
        #expect(throws: DNSError.self) { try DNSMessage.query(for: "acme..com") }
        #expect(throws: DNSError.self) { try DNSMessage.query(for: String(repeating: "a", count: 64) + ".com") }
        #expect(throws: DNSError.self) { try DNSMessage.query(for: "bücher.de") }
        #expect(throws: DNSError.self) { try DNSMessage.query(for: "a b.com") }
        let long = Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".")
        #expect(throws: DNSError.self) { try DNSMessage.query(for: long) }
    }

    @Test func parsesHeaderQuestionAndCompressedMXAnswers() throws {
        let m = try DNSMessage(parsing: HostingDNSMessageTests.compressedResponse)
        #expect(m.header.id == 0x1234)
        #expect(m.header.isResponse)
        #expect(m.header.recursionAvailable)
        #expect(!m.header.isTruncated)
        #expect(m.header.responseCode == .noError)
        #expect(m.header.answerCount == 2)
        #expect(m.questions == [DNSQuestion(name: "acme.com", type: .mx)])
        #expect(m.answers.map(\.data) == [.mx(preference: 1, exchange: "aspmx.l.google.com"),
                                          .mx(preference: 5, exchange: "alt1.aspmx.l.google.com")])
        #expect(m.answers.allSatisfy { $0.name == "acme.com" && $0.ttl == 3600 })
        #expect(DNSClient.mxResult(from: m, name: "ACME.com.") == .records([
            MXRecord(preference: 1, exchange: "aspmx.l.google.com"),
            MXRecord(preference: 5, exchange: "alt1.aspmx.l.google.com"),
        ]))
    }

    @Test func everyTruncationOfAValidMessageIsRejected() {
        for length in 0..<HostingDNSMessageTests.compressedResponse.count {
            #expect(throws: DNSError.self, "prefix of \(length) bytes") {
                try DNSMessage(parsing: Array(HostingDNSMessageTests.compressedResponse[0..<length]))
            }
        }
    }

    @Test func truncationErrorSaysWhere() {
        #expect(throws: DNSError.truncatedMessage(offset: 0, needed: 12, length: 5)) {
            try DNSMessage(parsing: [0, 1, 2, 3, 4])
        }
        #expect(DNSError.truncatedMessage(offset: 0, needed: 12, length: 5).description.contains("truncated"))
    }

    @Test func pointerToItselfIsRejected() {
        var bytes = header(qd: 1)
        bytes += [0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01]
        #expect(throws: DNSError.badPointer(offset: 12, target: 12)) { try DNSMessage(parsing: bytes) }
    }

    @Test func pointerBackIntoTheSameNameIsRejected() {
        var bytes = header(qd: 1)
        bytes += [0x03, 0x61, 0x62, 0x63, 0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01]  // abc → ptr to its own start
        #expect(throws: DNSError.badPointer(offset: 16, target: 12)) { try DNSMessage(parsing: bytes) }
    }

    @Test func twoPointerLoopIsRejected() {
        // Answer name at 26 points forward to 28, which points back to 26.
        var bytes = header(qd: 1, an: 1)
        bytes += [0x01, 0x61, 0x00, 0x00, 0x0F, 0x00, 0x01]  // question "a" @12..18
        bytes += [0xC0, 0x15, 0xC0, 0x13]  // @19: ptr→21, @21: ptr→19
        bytes += [0x00, 0x0F, 0x00, 0x01, 0, 0, 0, 0, 0, 0]
        #expect(throws: DNSError.self) { try DNSMessage(parsing: bytes) }
    }

    @Test func forwardAndOutOfRangePointersAreRejected() {
        var bytes = header(qd: 1)
        bytes += [0xC0, 0xFF, 0x00, 0x0F, 0x00, 0x01]
        #expect(throws: DNSError.badPointer(offset: 12, target: 0xFF)) { try DNSMessage(parsing: bytes) }
        var bytes2 = header(qd: 1)
        bytes2 += [0xFF, 0xFF, 0x00, 0x0F, 0x00, 0x01]
        #expect(throws: DNSError.badPointer(offset: 12, target: 0x3FFF)) { try DNSMessage(parsing: bytes2) }
    }

    @Test func reservedLabelTypesAreRejected() {
        var bytes = header(qd: 1)
        bytes += [0x41, 0x00, 0x00, 0x0F, 0x00, 0x01]
        #expect(throws: DNSError.badLabelType(offset: 12, byte: 0x41)) { try DNSMessage(parsing: bytes) }
    }

    @Test func overlongNamesAreRejected() {
        var bytes = header(qd: 1)
        for _ in 0..<5 { bytes += [63] + Array(repeating: UInt8(ascii: "a"), count: 63) }
        bytes += [0x00, 0x00, 0x0F, 0x00, 0x01]
        #expect(throws: DNSError.nameTooLong(offset: 12)) { try DNSMessage(parsing: bytes) }
    }

    @Test func longChainOfBackwardPointersIsCapped() throws {
        // Names that each point to the previous one: legal, but 100 hops exceed the cap.
        var bytes = header(qd: 1)
        bytes += [0x01, 0x61, 0x00, 0x00, 0x0F, 0x00, 0x01]  // question "a" @12
        var answers: [UInt8] = []
        var previous = 12
        var count = 0
        for _ in 0..<100 {
            let here = bytes.count + answers.count
            answers += [0x01, 0x62, 0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            answers += [0x00, 0x10, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x00]  // TXT, empty rdata
            previous = here
            count += 1
        }
        bytes[7] = UInt8(count)
        bytes += answers
        #expect(throws: DNSError.tooManyPointers(offset: 19 + 14 * 64)) { try DNSMessage(parsing: bytes) }
    }

    @Test func truncatedFlagIsRead() throws {
        var bytes = HostingDNSMessageTests.compressedResponse
        bytes[2] |= 0x02
        let m = try DNSMessage(parsing: bytes)
        #expect(m.header.isTruncated)
    }

    @Test func truncatedAnswerWithCutRecordsStillMeansSwitchToTCP() throws {
        let query = try DNSMessage.query(for: "acme.com", id: 0x1234)
        var bytes = Array(HostingDNSMessageTests.compressedResponse[0..<40])
        bytes[2] |= 0x02
        let result = DNSClient.interpret(bytes, for: query, ignoreMismatch: true)
        let message = try #require(try result?.get())
        #expect(message.header.isTruncated)
    }

    @Test func answersToOtherIdsOrQuestionsAreIgnoredOverUDPAndRejectedOverTCP() throws {
        let other = try DNSMessage.query(for: "acme.com", id: 0x9999)
        #expect(DNSClient.interpret(HostingDNSMessageTests.compressedResponse, for: other, ignoreMismatch: true) == nil)
        #expect(DNSClient.interpret(HostingDNSMessageTests.compressedResponse, for: other, ignoreMismatch: false)
            == .failure(.idMismatch(expected: 0x9999, received: 0x1234)))
        let otherName = try DNSMessage.query(for: "evil.com", id: 0x1234)
        #expect(DNSClient.interpret(HostingDNSMessageTests.compressedResponse, for: otherName, ignoreMismatch: true) == nil)
        #expect(DNSClient.interpret(HostingDNSMessageTests.compressedResponse, for: otherName, ignoreMismatch: false)
            == .failure(.questionMismatch(expected: "evil.com", received: "acme.com")))
        let same = try DNSMessage.query(for: "ACME.com", id: 0x1234)
        #expect(try DNSClient.interpret(HostingDNSMessageTests.compressedResponse, for: same, ignoreMismatch: true)?.get().answers.count == 2)
    }

    @Test func cnameRecordsAreDecodedAndFollowed() throws {
        var response = DNSMessage(header: DNSHeader(id: 7, flags: 0x8180),
                                  questions: [DNSQuestion(name: "www.acme.com", type: .mx)])
        response.answers = [
            DNSResourceRecord(name: "www.acme.com", type: .cname, data: .cname("acme.com")),
            DNSResourceRecord(name: "acme.com", type: .mx, ttl: 60, data: .mx(preference: 20, exchange: "B.example.")),
            DNSResourceRecord(name: "acme.com", type: .mx, ttl: 60, data: .mx(preference: 10, exchange: "a.example")),
            DNSResourceRecord(name: "unrelated.com", type: .mx, data: .mx(preference: 0, exchange: "x.example")),
        ]
        let parsed = try DNSMessage(parsing: try response.encoded())
        #expect(parsed.answers[0].data == .cname("acme.com"))
        #expect(parsed.questions == response.questions)
        #expect(parsed.answers.count == 4)
        #expect(parsed.answers[1].data == .mx(preference: 20, exchange: "B.example"))
        #expect(DNSClient.mxResult(from: parsed, name: "www.acme.com") == .records([
            MXRecord(preference: 10, exchange: "a.example"), MXRecord(preference: 20, exchange: "b.example"),
        ]))
    }

    @Test func nullMXAndEmptyAnswerMeanNoRecordsAndNameErrorMeansNXDOMAIN() {
        var null = DNSMessage(header: DNSHeader(id: 1, flags: 0x8180), questions: [DNSQuestion(name: "a.com", type: .mx)])
        null.answers = [DNSResourceRecord(name: "a.com", type: .mx, data: .mx(preference: 0, exchange: ""))]
        #expect(DNSClient.mxResult(from: null, name: "a.com") == .noRecords)
        let empty = DNSMessage(header: DNSHeader(id: 1, flags: 0x8180), questions: [DNSQuestion(name: "a.com", type: .mx)])
        #expect(DNSClient.mxResult(from: empty, name: "a.com") == .noRecords)
        let nx = DNSMessage(header: DNSHeader(id: 1, flags: 0x8183), questions: [DNSQuestion(name: "a.com", type: .mx)])
        #expect(DNSClient.mxResult(from: nx, name: "a.com") == .nxdomain)
    }

    @Test func ambiguousLabelBytesAreEscaped() throws {
        var bytes = header(qd: 1)
        bytes += [0x03, 0x61, 0x2E, 0x62, 0x03, 0x63, 0x6F, 0x6D, 0x00, 0x00, 0x0F, 0x00, 0x01]  // "a.b" . "com"
        let m = try DNSMessage(parsing: bytes)
        #expect(m.questions[0].name == "a\\046b.com")
    }

    @Test func badMXRdataIsRejected() {
        var bytes = header(qd: 0, an: 1)
        bytes += [0x00, 0x00, 0x0F, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x02, 0x00, 0x01]
        #expect(throws: DNSError.self) { try DNSMessage(parsing: bytes) }
        var bytes2 = header(qd: 0, an: 1)  // exchange name runs past RDLENGTH
        bytes2 += [0x00, 0x00, 0x0F, 0x00, 0x01, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01, 0x01, 0x61, 0x00]
        #expect(throws: DNSError.self) { try DNSMessage(parsing: bytes2) }
    }

    /// A smoke fuzz: mutated and random inputs must either parse or throw, never trap or hang.
    @Test func mutatedInputNeverCrashes() {
        var rng = SeededRandom(seed: 0x5EED)
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 4 == 0 {
                bytes = (0..<Int(rng.next() % 80)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = HostingDNSMessageTests.compressedResponse
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    let i = Int(rng.next() % UInt64(bytes.count))
                    bytes[i] = UInt8(truncatingIfNeeded: rng.next())
                }
                if round % 3 == 0 { bytes.removeLast(Int(rng.next() % UInt64(bytes.count))) }
            }
            _ = try? DNSMessage(parsing: bytes)
        }
    }

    private func header(qd: UInt8, an: UInt8 = 0) -> [UInt8] {
        [0x12, 0x34, 0x81, 0x80, 0x00, qd, 0x00, an, 0x00, 0x00, 0x00, 0x00]
    }
}

