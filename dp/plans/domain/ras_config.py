"""Reading a resource allocation question's answers as a system administrator types them.

Design
------
An administrator adds a question with its answers in one box, one answer a line, points first:
"0, Manages without help". `parse_answer_lines` turns that into `(points, label)` pairs or says
in plain English which line is wrong. The scheme itself is validated by
`dp.assessments.domain.ras.RasScheme` when it is built for a calculation or published.
"""

from __future__ import annotations

from dp.core.errors import ValidationFailed


def parse_answer_lines(text: str) -> list[tuple[int, str]]:
    answers: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        points_text, separator, label = line.partition(",")
        if not separator or not label.strip():
            raise ValidationFailed(
                f"Answer line {number} must be points, a comma, then the answer, like “0, Manages without help”",
                field="answers",
            )
        try:
            points = int(points_text.strip())
        except ValueError as exc:
            raise ValidationFailed(
                f"Answer line {number} must start with a whole number of points", field="answers"
            ) from exc
        if points < 0:
            raise ValidationFailed(f"Answer line {number}: points cannot be negative", field="answers")
        answers.append((points, label.strip()))
    if len(answers) < 2:
        raise ValidationFailed("Enter at least two answers, one a line", field="answers")
    labels = [label.lower() for _, label in answers]
    if len(set(labels)) != len(labels):
        raise ValidationFailed("Each answer must be different", field="answers")
    return answers
