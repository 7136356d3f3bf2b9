"""The sentiment an analysis run stores: the best source the desk has for each part.

* polarity (the stored ``sentiment``: negative / neutral / positive, and its score):
  the desk's trained polarity model when there is one (负面/中性/正面 as the desk's
  guidelines define them), else the training-free lexicon;
* emotion: the trained emotion model when there is one, else the lexicon.

An emotion model is not used for polarity: it answers another question (a calm
bulletin of new cases has no emotion but is not negative news either) and measured
worse than the lexicon on news items. Every part runs once per batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from yuqing.analyse.models import TextModel
from yuqing.analyse.polarity import SENTIMENT_OF, PolarityModel
from yuqing.analyse.sentiment import EMOTIONS, LexiconSentiment, Sentiment, default_lexicon
from yuqing.text import matching_form


class DeskSentiment:
    def __init__(
        self,
        polarity: PolarityModel | None = None,
        emotion: TextModel | None = None,
        lexicon: LexiconSentiment | None = None,
    ) -> None:
        self.polarity = polarity
        self.emotion = emotion
        self.lexicon = lexicon or default_lexicon()

    @property
    def source(self) -> str:
        return "model" if self.polarity is not None else "lexicon"

    def analyse(self, text: str) -> Sentiment:
        return self.analyse_normalised_many([matching_form(text)])[0]

    def analyse_many(self, texts: Sequence[str]) -> list[Sentiment]:
        return self.analyse_normalised_many([matching_form(t) for t in texts])

    def analyse_normalised_many(self, norm_texts: Sequence[str]) -> list[Sentiment]:
        found = [self.lexicon.analyse_normalised(t) for t in norm_texts]
        if self.emotion is not None and norm_texts:
            emotions = [
                e if e in EMOTIONS else "neutral" for e, _p in self.emotion.predict_top(norm_texts)
            ]
        else:
            emotions = [f.emotion for f in found]
        if self.polarity is None or not norm_texts:
            return [Sentiment(f.label, e, f.score) for f, e in zip(found, emotions, strict=True)]
        answers = self.polarity.predict_norm(norm_texts, found)
        return [
            Sentiment(SENTIMENT_OF[label], e, score)
            for (label, score), e in zip(answers, emotions, strict=True)
        ]
