"""One module per transport; ``base.REGISTRY`` says which module serves which kind."""
