// placeholder until the target is built
