print("resource-batch-bench: under construction")
