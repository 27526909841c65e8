"""Training pipeline for signals: data → train → evaluate → package (``make train``)."""
