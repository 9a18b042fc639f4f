"""The business core of Sales Inbox. Standard library only."""
