"""The chapters' diagrams, drawn with matplotlib at build time: one module per chapter, each
function returning a Figure that the chapter shows (with its alt text in the cell's metadata)."""
