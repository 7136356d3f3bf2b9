"""The `yuqing` command."""
