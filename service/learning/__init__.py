"""Learning from recorded outcomes: the training data, the model versions and their gate."""
