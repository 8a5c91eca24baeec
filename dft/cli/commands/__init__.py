"""The commands, one module per noun; the parser imports a module only when its command runs."""
