"""/api/v1/positions/, workers/, appointments/, exams/ (written next)."""


def register(router) -> None:
    pass
