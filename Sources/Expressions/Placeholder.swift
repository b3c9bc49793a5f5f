// Placeholder so the package builds while Expressions is written.
