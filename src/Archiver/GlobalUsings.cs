// The bottom layer (docs/architecture.md): primitives every folder may use.
global using Archiver.Primitives;
