print("resource-batch: under construction")
