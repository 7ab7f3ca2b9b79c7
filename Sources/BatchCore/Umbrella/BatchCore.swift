// The library as one import: every stage of the data's path (architecture.md), each its own
// target so that the compiler keeps the arrows pointing one way.
@_exported import BatchInput
@_exported import BatchJobs
@_exported import BatchJournal
@_exported import BatchModel
@_exported import BatchReport
@_exported import BatchRules
@_exported import BatchSync
@_exported import BatchWire
