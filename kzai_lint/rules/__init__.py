"""Built-in rules, one module per detected pattern family; collected by `registry.builtin_rules`."""
