"""One module per command: parse nothing, call the library, show the result."""
