// Placeholder so the package builds while Projections is written.
