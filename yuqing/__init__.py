"""yuqing 舆情信息工作平台: collect, organise, judge, respond and report on public
opinion for an epidemic communication desk."""

__version__ = "0.1.0"

__all__ = ["__version__"]
