"""Public checks of each exercise (``exNN.py`` defines ``QUESTIONS``).

Expected answers are computed from the trainee's own shop, so reading this
code tells a trainee how to compute the answer on their data, not the number
itself. Instructors keep extra, hidden checks outside the repository and pass
their folder to ``ecomkit exercises grade --hidden DIR``.
"""
