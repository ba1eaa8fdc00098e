"""The system verdict: facts read once per batch, an ordered list of phases that decide.

``facts`` reads what deciding needs in the caller's transaction; ``phases`` is the ordered list
(author policy, classifier error, rules, thresholds), each phase a small module that says
nothing or a status and reasons; ``pipeline`` folds what they say into one verdict;
``explanation`` attaches the model's evidence to the held comments, outside any transaction.
"""
