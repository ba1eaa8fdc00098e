"""Comment Desk workers: the RQ glue between the service core and the classifier."""
