"""A cause suggested from what the client said, learned from this database's own calls.

Naive Bayes over which word unigrams and bigrams and character 4-grams (within
words) occur, in plain Python: chosen by measurement over scikit-learn (see the
README, "Cause suggestion"): as accurate on the sample data within a fraction of
a point, about 200 MB less to ship, and fast enough (training on 10,000 calls in
a couple of seconds, a suggestion in about a millisecond). Everything stays on the
machine. A suggestion says how sure it is and never sets a cause.

Training examples are the client's words of reached calls that settled a
cause, labelled with the cause they left standing; the most recent
:data:`MAX_EXAMPLES` are used. A trained model is cached per database and
retrained only when the calls have changed.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dft.analytics.breakdowns import cause_labels
from dft.core.models import Category, Cause, Deal, FollowUp

MAX_EXAMPLES = 20_000
# Fewer settled calls with words than this and nothing is suggested.
MIN_EXAMPLES = 20
# Laplace smoothing; of 0.03, 0.1, 0.3 and 1 it cross-validated best on the sample data.
SMOOTHING = 1.0
CHAR_GRAM = 4
_WORD = re.compile(r"[a-z0-9']+")


def features(text: str) -> set[str]:
    """Word unigrams and bigrams, and character 4-grams inside each word: whether each
    occurs, not how often (measured: presence is the more accurate here)."""
    words = _WORD.findall(text.casefold())
    found = set(words)
    found.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    for word in words:
        padded = f" {word} "
        found.update(
            "#" + padded[i : i + CHAR_GRAM] for i in range(max(1, len(padded) - CHAR_GRAM + 1))
        )
    return found


@dataclass(frozen=True)
class Suggestion:
    cause_id: int
    cause: str  # "Phone tag / voicemail runaround", or "Unspecified (Land)"
    category: str | None
    probability: float  # how sure, 0..1, as the model estimates it

    @property
    def sure(self) -> str:
        """How sure, in words: fairly sure, a guess, ..."""
        if self.probability >= 0.8:
            return "fairly sure"
        if self.probability >= 0.5:
            return "a likely cause"
        return "a guess"


class CauseModel:
    """Multinomial naive Bayes; ``suggest`` gives causes, most likely first."""

    def __init__(self, examples: Iterable[tuple[str, int]]) -> None:
        counts: dict[int, Counter[str]] = {}
        documents: Counter[int] = Counter()
        for text, label in examples:
            counts.setdefault(label, Counter()).update(features(text))
            documents[label] += 1
        self.examples = sum(documents.values())
        vocabulary = {f for counter in counts.values() for f in counter}
        size = len(vocabulary) or 1
        self._log_prior = {label: math.log(n / self.examples) for label, n in documents.items()}
        self._log_likelihood: dict[int, dict[str, float]] = {}
        self._log_unseen: dict[int, float] = {}
        for label, counter in counts.items():
            denominator = sum(counter.values()) + SMOOTHING * size
            self._log_likelihood[label] = {
                f: math.log((n + SMOOTHING) / denominator) for f, n in counter.items()
            }
            self._log_unseen[label] = math.log(SMOOTHING / denominator)
        self._vocabulary = vocabulary

    @property
    def labels(self) -> Sequence[int]:
        return list(self._log_prior)

    def probabilities(self, text: str) -> dict[int, float]:
        """Each cause's posterior probability for ``text`` (empty: nothing known)."""
        seen = features(text) & self._vocabulary
        if not seen or not self._log_prior:
            return {}
        scores = {}
        for label, prior in self._log_prior.items():
            likelihood = self._log_likelihood[label]
            unseen = self._log_unseen[label]
            scores[label] = prior + sum(likelihood.get(f, unseen) for f in seen)
        top = max(scores.values())
        weights = {label: math.exp(score - top) for label, score in scores.items()}
        total = sum(weights.values())
        return {label: w / total for label, w in weights.items()}


def training_examples(session: Session, limit: int = MAX_EXAMPLES) -> list[tuple[str, int]]:
    """(client's words, cause left standing) of the latest settled calls with words."""
    standing = func.coalesce(FollowUp.changed_to_cause_id, Deal.cause_id)
    rows = session.execute(
        select(FollowUp.client_words, standing)
        .join(Deal, FollowUp.deal_id == Deal.id)
        .where(
            FollowUp.cause_result.is_not(None),
            FollowUp.client_words != "",
            Deal.deleted_at.is_(None),
            standing.is_not(None),
        )
        .order_by(FollowUp.id.desc())
        .limit(limit)
    )
    return [(str(words), int(cause)) for words, cause in rows]


class CauseSuggester:
    """A trained model with the names of the causes it may suggest (live ones only)."""

    def __init__(self, model: CauseModel | None, labels: dict[int, tuple[str, str | None]]):
        self.model = model
        self._labels = labels

    def suggest(self, client_words: str, top: int = 3) -> list[Suggestion]:
        """The likeliest live causes for the words, most likely first; empty when the
        model knows too little (too few examples, or none of these words)."""
        if self.model is None or not client_words.strip():
            return []
        ranked = sorted(self.model.probabilities(client_words).items(), key=lambda item: -item[1])
        return [
            Suggestion(cause_id, *self._labels[cause_id], probability)
            for cause_id, probability in ranked
            if cause_id in self._labels
        ][:top]


_cache: dict[str, tuple[tuple[int, int], CauseSuggester]] = {}
_lock = threading.Lock()


def _fingerprint(session: Session) -> tuple[int, int]:
    row = session.execute(select(func.count(FollowUp.id), func.max(FollowUp.id))).one()
    return int(row[0] or 0), int(row[1] or 0)


def cause_suggester(session: Session) -> CauseSuggester:
    """The suggester for the session's database, trained once and kept until calls change.

    Training reads at most MAX_EXAMPLES calls; call this off the GUI thread.
    """
    key = str(session.get_bind().engine.url)
    fingerprint = _fingerprint(session)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
    examples = training_examples(session)
    model = CauseModel(examples) if len(examples) >= MIN_EXAMPLES else None
    live = set(
        session.scalars(
            select(Cause.id)
            .join(Category, Cause.category_id == Category.id)
            .where(Cause.retired.is_(False), Category.retired.is_(False))
        )
    )
    labels = {
        cause_id: label
        for cause_id, label in cause_labels(session).items()
        if cause_id is not None and cause_id in live
    }
    suggester = CauseSuggester(model, labels)
    with _lock:
        _cache[key] = (fingerprint, suggester)
    return suggester
