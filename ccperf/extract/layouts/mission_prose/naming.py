"""Names of the results read from prose. The report prints none, so each is composed from the printed words as
"<initiative or section> - <what is counted>": "Bando Voucher Digitali I4.0 Lombardia Base 2022 - imprese
partecipanti" (the verb before a count gives the participle: profiles/mission_prose.toml, `verb_cues`)."""

from __future__ import annotations

import re

from ccperf.extract.layouts.mission_prose.candidates import Candidate
from ccperf.extract.layouts.mission_prose.initiatives import find_initiatives
from ccperf.extract.layouts.mission_prose.stream import ProseStream
from ccperf.extract.layouts.mission_prose.words import LABEL_WIDTH, PROFILE, profile_regex
from ccperf.extract.numbers import collapse
from ccperf.extract.vocab import FUNCTION_WORDS, LINKING_PREPOSITIONS, slug

_MEASURES = PROFILE.table("measure_words")
_MONEY_MEASURE = PROFILE.pattern("money_measures", r"({})[^€\d]{{0,40}}$")
_GRANTED = re.compile(_MEASURES["granted"], re.I)
_DESTINATION_BEFORE = profile_regex("money_destination", "before", 0)
_DESTINATION_AFTER = profile_regex("money_destination", "after", 0)
_SHARE_WHO = profile_regex("result_templates", "share_who", 0)
_TIME_LIMIT = profile_regex("result_templates", "time_limit", 0)
_TOTAL_ADJECTIVE = PROFILE.pattern("total_adjectives")
_VERB_CUES = tuple((re.compile(stem, re.I), cue) for stem, cue in PROFILE.table("verb_cues").items())
# A measure's words end at a function word (but "di", "a" and their contractions tie a noun to its complement)
# or at a word of the profile; those left at its end are dropped.
_NAME_STOP = (FUNCTION_WORDS - LINKING_PREPOSITIONS) | set(PROFILE.words("name_stop_words"))
_NAME_TRAILING = FUNCTION_WORDS | {"non"}
_CURRENCY_AT_END = re.compile(r"(?:€|\beuro|\s)+$", re.I)
_LEADING_WORD = re.compile(r"^\s*\w+\s+")
_PHRASE_END = re.compile(r"[,.;:()€\d–]")
_GERUND = re.compile(r"(?:ando|endo)$")
_PARTICIPLE_END = re.compile(r"(?:at[aeio]|it[aeio]|ut[aeio]|as[aeio]|ibil[ei]|ess[aeio]|ant[ei]|ent[ei])$")
_PLURAL_NOUN = re.compile(r"[zs]ioni$")
_ITEM_LABEL = re.compile(rf"^\s*[-●•·]?\s*(?P<label>[^()\n\d]{{3,{LABEL_WIDTH}}}?)\s*\(\s*$")
_PARAGRAPH_LEAD = 1200  # characters: the first sentence of a longer paragraph no longer names its subject


def agree(stem: str, noun: str) -> str:
    """"realizzat" + "iniziative" → "realizzate"; "partecipant" + "imprese" → "partecipanti"."""
    last = "e" if _PLURAL_NOUN.search(noun.lower()) else noun[-1:].lower()
    if stem.endswith("nt"):
        return stem + ("e" if last in "ao" else "i")
    return stem + {"e": "e", "i": "i", "a": "a", "o": "o"}.get(last, "i")


def subject_for(stream: ProseStream, cand: Candidate) -> str | None:
    """The initiative a value belongs to: named in its sentence, else in the previous sentence (when that names
    only one), else in the first sentence of its paragraph (not for list items: a list item's previous sentence
    is another item); a list item "Label (2 edizioni)" is its own."""
    text = stream.text
    s_start, _ = cand.sentence
    item = s_start == 0 or text[s_start - 1] == "\n"  # a list item: the previous sentence is another item
    if item and (label := _ITEM_LABEL.match(text[s_start:cand.start])):
        return collapse(label.group("label"))
    if found := find_initiatives(text[s_start:cand.start]):
        return found[-1]
    if item:
        return None
    para = text.rfind("\n", 0, s_start) + 1
    spans = [sp for sp in stream.sentences_between(para, s_start) if text[para + sp[0]:para + sp[1]].strip()]
    if spans:
        prev = stream.initiatives(para + spans[-1][0], para + spans[-1][1])
        if len(prev) == 1:
            return prev[0]
        lead = stream.initiatives(para + spans[0][0], para + spans[0][1]) if s_start - para < _PARAGRAPH_LEAD else []
        if lead:
            return lead[0]
    return None


def measure_for(stream: ProseStream, cand: Candidate, earlier: list[Candidate], subject: str) -> str:
    """What a value measures: the words printed with it (and who or which call an amount went to)."""
    if cand.kind == "money":
        return _money_measure(stream, cand, subject)
    if cand.kind == "time":
        return collapse(cand.noun)
    if cand.kind == "pct":
        who = _SHARE_WHO.match(stream.text[cand.end:cand.sentence[1]])
        return collapse(cand.noun) + (f" ({collapse(who.group(1))})" if who else "")
    return _count_measure(stream, cand, earlier)


def _money_measure(stream: ProseStream, cand: Candidate, subject: str) -> str:
    text = stream.text
    s_start, s_end = cand.sentence
    lead = _CURRENCY_AT_END.sub("", text[max(s_start, cand.start - 120):cand.start])
    verb = _MONEY_MEASURE.search(lead)
    measure = collapse(verb.group(1)) if verb else _MEASURES["amount"]
    if verb and _GRANTED.search(lead) and _MEASURES["granted"] not in measure:
        measure += " " + agree(_MEASURES["granted"], measure.split()[0])
    named = list(_DESTINATION_BEFORE.finditer(lead))
    dest = _DESTINATION_AFTER.match(text[cand.end:s_end]) or (named[-1] if named else None)
    if dest and slug(_LEADING_WORD.sub("", dest.group(0))) not in slug(subject):
        measure += " " + collapse(dest.group(0))
    return measure


def _measure_words(stream: ProseStream, cand: Candidate) -> list[str]:
    """The counted noun and the words after it (or before the number, when the noun is printed first), up to a
    stop word, a capitalised word or a gerund, at most four."""
    text = stream.text
    s_start, s_end = cand.sentence
    if cand.noun_after:
        tail = _PHRASE_END.split(text[cand.end:s_end], maxsplit=1)[0]
        phrase = cand.noun + " " + tail
        if _TOTAL_ADJECTIVE.match(cand.raw):
            phrase = f"{cand.noun} {cand.raw.split()[0]} {tail}"  # "complessive 22314 pratiche"
    else:
        # "pratiche complessivamente evase, vale a dire 22.314": the noun and its words printed before the number
        at = stream.lower.rfind(cand.noun.lower(), s_start, cand.start)
        phrase = _PHRASE_END.split(text[at:cand.start], maxsplit=1)[0] if at >= 0 else cand.noun
    words: list[str] = []
    for word in collapse(phrase).split():
        if len(words) >= 4 or words and (word.lower() in _NAME_STOP or word[:1].isupper() and not word.isupper()
                                         or _GERUND.search(word)):
            break
        words.append(word)
    while len(words) > 1 and words[-1].lower() in _NAME_TRAILING:
        words.pop()
    return words


def _count_measure(stream: ProseStream, cand: Candidate, earlier: list[Candidate]) -> str:
    text = stream.text
    s_start = cand.sentence[0]
    words = _measure_words(stream, cand)
    measure = " ".join(words) or cand.noun
    participle = any(_PARTICIPLE_END.search(w) for w in words[1:])
    if cand.kind not in ("people", "contacts", "admitted") and not participle:
        before = text[max(s_start, cand.start - 60):cand.start]
        for pattern, cue in _VERB_CUES:
            if pattern.search(before):
                measure += " " + agree(cue, words[0] if words else cand.noun)
                break
    when = None if cand.noun_after else _TIME_LIMIT.search(text[s_start:cand.start])
    if when:
        measure += " " + collapse(when.group(0))  # "l'evasione in 5 giorni lavorativi per 21.562 su ..."
    counted = [c for c in earlier if c.kind not in ("money", "pct", "time", "people") and c.measure]
    if cand.kind == "people" and counted:
        measure += f" ({counted[-1].measure})"  # "2 seminari ... per un totale di 295 partecipanti"
    return measure
