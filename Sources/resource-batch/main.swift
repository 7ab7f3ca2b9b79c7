import Foundation

let code = await ResourceBatchCLI.main(Array(CommandLine.arguments.dropFirst()))
exit(code)
