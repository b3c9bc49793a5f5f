// Placeholder so the package builds while Experiments is written.
