"""Names and quoted input for the screens and the command line (`svdesk.model.names`): a name is
compared as it reads, and a message quotes at most a bounded part of what was typed."""

from svdesk.model.names import QUOTE_LIMIT, matching, normal_name, quoted

__all__ = ["QUOTE_LIMIT", "matching", "normal_name", "quoted"]
