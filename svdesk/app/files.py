"""File names and atomic writes, for callers that save what the use cases make."""

from svdesk.export.files import safe_filename, write_atomically

__all__ = ["safe_filename", "write_atomically"]
