"""The `commentdesk` command: the front door above the service, the workers and the classifier."""
