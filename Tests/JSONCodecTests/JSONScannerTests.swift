import Testing
@testable import JSONCodec
