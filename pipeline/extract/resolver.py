"""The one resolver: turns a candidate into facts by filling subject, metric, year, ranking size
and target from the sentence, the discourse state and the document — and records which step
decided each slot (Fact.provenance), so `evaluate --verbose` can say why a fact went wrong.
"""
from __future__ import annotations

from typing import Optional

from pipeline import domain
from pipeline.extract import frames, indicators, phrases, scopes
from pipeline.extract.candidates import RANKISH, Candidate
from pipeline.extract.context import DocContext
from pipeline.extract.discourse import Discourse
from pipeline.extract.gazetteer import SubjectMention
from pipeline.extract.metrics import VOCABULARY
from pipeline.extract.sentence import FIGURES, SentenceView
from pipeline.models import Fact

# the named indices (DTI, PCI, PAR INDEX …): a figure of one of them is taken from any text
_INDEX_FAMILIES = frozenset(m.split(".")[0] for m in VOCABULARY)

NATION = SubjectMention(-1, -1, "Việt Nam", "country")


def is_dti_family(metric: Optional[str]) -> bool:
    return bool(metric) and (metric == "dti" or metric.startswith("dti."))


class Resolver:
    def __init__(self, ctx: DocContext, state: Discourse, version: str):
        self.ctx = ctx
        self.state = state
        self.version = version
        self.metric_at: Optional[int] = None    # token of the metric the current candidate was read with

    # ------------------------------------------------------------------ subject
    def _province_self(self) -> Optional[SubjectMention]:
        if self.ctx.province:
            return SubjectMention(-1, -1, self.ctx.province, "province")
        return None

    def subjects(self, c: Candidate, v: SentenceView) -> tuple[list[SubjectMention], str]:
        found, how = self._subjects(c, v)
        if c.kind in ("percent", "count") and how in ("clause_before", "anaphora") and len(found) == 1 and \
                found[0].type == "agency" and found[0].province and self.ctx.province:
            # 'Sở TT&TT đã rà soát 100% hệ thống thông tin': what the department did, the province has
            return [self._province_self()], "agency_province"
        prev = c.notes.get("prev_subject")
        if prev is not None and how in ("document", "national", "discourse") and prev[1] in ("national_index",):
            return [prev[0]], "previous_figure"
        if prev is not None and c.kind == "percent" and not c.subjects and how not in ("construction", "clause_before") \
                and phrases.share_of_previous(v, c.tok):
            return [prev[0]], "share_of_previous"      # the share a count makes is the counter's
        return found, how

    def _subjects(self, c: Candidate, v: SentenceView) -> tuple[list[SubjectMention], str]:
        if c.subjects:
            return c.subjects, "construction"
        toks = v.toks
        i = c.tok
        prev = c.notes.get("prev_subject")
        if prev is not None and phrases.goal_of_figure_before(v, i) is not None:
            return [prev[0]], "goal_of_previous"     # 'Khối bộ, ngành đạt 63,47% (mục tiêu 70%)'
        if c.kind in ("score", "percent", "count") and scopes.aggregate(c, v, self.state):
            if self.ctx.province and not c.notes.get("nation_goes_on") and \
                    (phrases.internal_units(v, c.tok) or not phrases.national_scope(v, c.tok)):
                return [self._province_self()], "aggregate_local"
            return [NATION], "aggregate"
        if c.kind == "percent" and scopes.share_of_provinces(v, i):
            return [NATION], "national_units"
        if c.kind == "count" and scopes.counts_units(v, i):
            region = [k for k in range(v.clause_start(i), i) if toks[k].has("REGION")]
            if region:
                return [toks[region[-1]].ref], "region"
            return [NATION], "national_units"
        start_w, _ = v.window(i)
        # a self-reference right before the figure ('tỉnh đã đứng thứ 9/63', 'của tỉnh')
        own = [k for k in range(v.clause_start(i), i) if toks[k].has("self_ref") and not toks[k].has("SUBJ")]
        if own and self.ctx.province and toks[own[-1]].text.lower() in (
                "chúng ta", "chúng tôi", "tỉnh nhà", "tỉnh ta", "thành phố ta") or \
                (own and i > 0 and any(t.text.lower() in ("chúng ta", "chúng tôi", "ta") for t in toks[own[-1]:i])):
            if self.ctx.province:
                return [self._province_self()], "anaphora"
        before = [k for k in v.subjects if k < c.span[0]]
        if c.subject_side == "after" or (not before and scopes.fronted_figure(v, i)):
            after = [k for k in v.subjects if k > i and k < v.clause_end(i)]
            if after:
                return [toks[k].ref for k in v.coordination(after[0])], "clause_after"
        if before:
            k = before[-1]
            if own and own[-1] > k and toks[k].ref.type in ("province", "district"):
                return [toks[k].ref], "anaphora"
            chain = v.coordination(k)
            # 'A và B cùng xếp thứ hai với 798,30 điểm': the shared place shares the score too
            tied = any(t.has("tie") for t in toks[k + 1:c.span[0]]) and \
                all(t.has("ORD") for t in toks[k + 1:c.span[0]] if t.has(*FIGURES))
            if len(chain) > 1 and chain[-1] == k and not v.has_between(k + 1, c.span[0], "SUBJ") and \
                    (tied or not v.has_between(k + 1, c.span[0], *FIGURES)):
                return [toks[x].ref for x in chain], "coordination"
            if k > 0 and toks[k - 1].text.lower() == "cùng":
                # 'tỉnh từng cùng Thanh Hóa chia nhau vị trí thứ 15': both hold it
                mate = [j for j in range(max(0, k - 5), k - 1) if toks[j].has("self_ref") or
                        (toks[j].has("SUBJ") and v.is_subject(j))]
                if mate:
                    first = toks[mate[-1]].ref if toks[mate[-1]].has("SUBJ") else (self._anaphora(v.t.paragraph) or [None])[0]
                    if first is not None:
                        return [first, toks[k].ref], "coordination"
            return [toks[k].ref], "clause_before"
        members = phrases.members_after(v, i) if not before else []
        if members:
            return [toks[k].ref for k in members], "members_after"
        if own:
            # 'Theo Sở Thông tin và Truyền thông Bắc Ninh, tỉnh hiện cung cấp …': the province the
            # source names is the one 'tỉnh' refers to
            named = [k for k in range(0, own[-1]) if toks[k].has("SUBJ") and toks[k].ref.type == "agency" and
                     toks[k].ref.province and toks[k].ref.province in toks[k].text]
            if named and toks[own[-1]].text.lower() in ("tỉnh", "thành phố", "tỉnh này", "thành phố này"):
                return [SubjectMention(-1, -1, toks[named[-1]].ref.province, "province")], "anaphora"
            return self._anaphora(v.t.paragraph, toks[own[-1]].text.lower()), "anaphora"
        recent = self.state.recent_subject(v.t.paragraph)
        if recent is not None and c.notes.get("continues"):
            return [recent], "discourse"
        if c.kind in ("percent", "count", "score") and phrases.of_the_nation(v, i):
            return [NATION], "national_scope"
        if self.ctx.province:
            return [self._province_self()], "document"
        if recent is not None and recent.type != "country":
            return [recent], "discourse"
        if self.ctx.national or v.has_between(0, len(toks), "nation_scope"):
            return [NATION], "national"
        return [], "none"

    def _anaphora(self, paragraph: int, word: str = "") -> list[SubjectMention]:
        if word == "thủ đô":
            return [SubjectMention(-1, -1, "Hà Nội", "province")]     # 'Thủ đô' names one city
        recent = self.state.recent_subject(paragraph)
        # 'Tỉnh đã kết nối …' after a district's figures: 'tỉnh' names a province, not the district
        fits = word not in ("tỉnh", "tỉnh nhà", "tỉnh ta", "toàn tỉnh", "tỉnh này") or (
            recent is not None and recent.type == "province" and recent.name not in domain.CITIES)
        if recent is not None and fits and recent.type in ("province", "district", "agency", "ministry", "other"):
            return [recent]
        p = self._province_self()
        return [p] if p else ([NATION] if self.ctx.national else [])

    def _measured_quantity(self, c: Candidate, v: SentenceView) -> Optional[tuple[str, str]]:
        """What a bare percentage measures: the metric of the figure before it in its sentence, the
        last quantity a percentage named, or the one the title ranks by."""
        prev = c.notes.get("prev_metric")
        if prev is not None and not is_dti_family(prev[0]):
            return prev
        last = self.state.recent_indicator(v.t.paragraph)
        if last is not None:
            return last
        topic = self.ctx.topic
        if topic is not None and not is_dti_family(topic.id) and not topic.vocab:
            return topic.id, topic.phrase
        return None

    # ------------------------------------------------------------------ metric
    def metrics(self, c: Candidate, v: SentenceView, aggregate: bool) -> tuple[list[tuple[str, str]], str]:
        self.metric_at = None
        if c.notes.get("pending") and self.state.pending is not None and self.state.pending.metric:
            return [(self.state.pending.metric, self.state.pending.metric_phrase)], "list_heading"
        if c.metrics:
            out = [(m.id, m.phrase) for m in c.metrics]
            if c.also_overall:
                topic = self._topic()
                if topic and topic[0] not in [m for m, _ in out]:
                    out.insert(0, topic)
            return out, "construction"
        if c.notes.get("continues") and c.kind == "percent":
            carried = self.state.ranked_metric(v.t.paragraph)
            if carried:
                return [carried], "discourse"
        if c.kind == "percent" and not aggregate:
            a, _ = v.window(c.tok)
            named = [k for k in range(max(0, a - 2), c.tok) if v.toks[k].has("METRIC") and v.toks[k].ref.vocab
                     and v.toks[k].ref.id in ("sipas", "par_index", "papi", "pci")]
            if named and not phrases.change_suffix(v, c.tok):
                m = v.toks[named[-1]].ref
                return [(m.id, m.phrase)], "clause_before"
        if c.kind in ("percent", "count") or aggregate:
            phrase = c.phrase or phrases.metric_phrase(v, c)
            if c.kind == "percent" and not c.phrase and phrases.bare_phrase(v, phrase) and \
                    not phrases.part_of_count(v, c.tok) and phrases.share_of_previous(v, c.tok) is None:
                # 'dẫn đầu với tỷ lệ 83,48%', 'Khối bộ, ngành đạt 63,47%': the words name no quantity,
                # so it is the one the sentence or the text measures
                inherited = self._measured_quantity(c, v)
                if inherited is not None:
                    own = phrases.scope_words(v, phrase)
                    full = f"{inherited[1]} ({own})" if own else inherited[1]
                    return [(phrases.indicators.identify(full) if own else inherited[0], full)], "inherited"
            return [(phrases.indicator_id(v, c, phrase, aggregate), phrase)], "phrase"
        about = phrases.about_after(v, c)
        if about:
            self.metric_at = next((k for k in range(c.span[1], min(len(v.toks), c.span[1] + 8))
                                   if v.toks[k].has("METRIC")), None)
            return about, "about_after"
        toks = v.toks
        # a pattern may open on the metric it follows ('chỉ số Nguồn nhân lực (HCI) đạt 0,7603')
        opening = c.span[0] + 1 if toks[c.span[0]].has("METRIC") else c.span[0]
        before = [k for k in range(0, opening) if toks[k].has("METRIC")]
        measured = phrases.measured_before(v, c)
        if measured is not None and before and toks[before[-1]].ref.id in domain.PERCENT_INDICES:
            measured = None
        if measured is not None and (not before or before[-1] < measured):
            phrase = phrases.indicator_phrase_for_rank(v, c, measured)
            if phrase and not phrases.bare_phrase(v, phrase):
                return [(phrases.indicators.identify(phrase), phrase)], "measured"
        if before and phrases.new_subject_between(v, before[-1], c.span[0]):
            before = []
        if before and c.construction == "rank.first_weak" and phrases.superlative_phrase(v, c):
            before = []     # 'Kinh tế số Việt Nam có tốc độ tăng trưởng nhanh nhất': the growth is ranked
        if c.notes.get("country_subject"):
            before = [k for k in before if not is_dti_family(toks[k].ref.id)]
        if before:
            k = before[-1]
            if not v.has_between(k + 1, c.span[0], "semi") or not v.has_between(v.clause_start(c.span[0]),
                                                                             c.span[0], "SUBJ", "METRIC"):
                chain = v.coordination(k, "METRIC")
                if len(chain) > 1 and chain[-1] == k:
                    return [(toks[x].ref.id, toks[x].ref.phrase) for x in chain], "coordination"
                return [(toks[k].ref.id, toks[k].ref.phrase)], "clause_before"
        if c.notes.get("continues"):
            carried = self.state.ranked_metric(v.t.paragraph)
            if carried:
                return [carried], "discourse"
        if phrases.refers_to_metric(v, c) and self.state.last_metric is not None:
            return [self.state.last_metric], "anaphora"
        later = phrases.metric_later(v, c)
        if later is not None:
            return [later], "clause_after"
        topic = self._topic()
        if c.construction == "rank.first_weak":
            phrase = phrases.superlative_phrase(v, c)
            if phrase:
                return [(phrases.indicators.identify(phrase), phrase)], "superlative"
        if topic and c.notes.get("country_subject") and is_dti_family(topic[0]):
            topic = None
        if topic:
            return [topic], "topic"
        # no index named anywhere: the rank is of what its clause says ('1 trong 19 đơn vị … đầu tiên
        # hoàn thành nhiệm vụ cấp CCCD')
        phrase = phrases.clause_phrase(v, c)
        if phrase:
            return [(phrases.indicators.identify(phrase), phrase)], "clause_phrase"
        return [], "none"

    def _topic(self) -> Optional[tuple[str, str]]:
        t = self.ctx.topic
        if t is not None:
            return (t.id, t.phrase)
        if self.ctx.dti_doc:
            return ("dti", "chuyển đổi số")
        return None

    # ------------------------------------------------------------------ year
    def year(self, c: Candidate, v: SentenceView, metric: str, metric_tok: Optional[int],
             target: bool) -> tuple[Optional[int], str]:
        if c.year is not None:
            return c.year, "construction"
        described = phrases.year_described(v, c.tok)
        if described:
            return described, "apposition"
        # 'tăng so với mức 38,3% của cùng kỳ năm 2023': the figure compared with is of the year it names
        if any(t.has("compare") or t.text.lower().startswith("so với") for t in v.toks[max(0, c.span[0] - 3):c.span[0]]):
            of = next((y for y in v.years if c.tok < y.tok <= c.tok + 6), None)
            if of is not None:
                return of.year, "compared"
        if c.notes.get("pending") and self.state.pending is not None and self.state.pending.year:
            return self.state.pending.year, "list_heading"
        if target:
            due = v.year_near(c.tok, ("plain", "deadline", "month"))
            if due:
                return due.year, "clause"
            # 'thuộc nhóm 50 quốc gia dẫn đầu về Chính phủ điện tử vào năm 2030': the due year closes the clause
            later = [y for y in v.years if y.role in ("plain", "deadline") and c.tok < y.tok < v.clause_end(c.tok)
                     and not v.has_between(c.tok + 1, y.tok, *FIGURES)]
            if later:
                return later[0].year, "clause_after"
            # 'đến năm 2030 …; kinh tế số chiếm 35% GRDP; 100% xã …': goals listed after their due year
            before = [y for y in v.years if y.role == "deadline" and y.tok < c.tok and
                      v.paren[y.tok] <= v.paren[c.tok]]      # not '(đến năm 2030 đạt 20%)', an aside
            if before:
                return before[-1].year, "deadline_before"
        then = frames.then_year(v, c.tok)
        if then:
            return then, "compare_then"
        now = self.ctx.ref_year or (self.ctx.edition + 1 if self.ctx.edition else 2025)
        near = v.year_near(c.tok)
        if near is None and not target:
            past = v.year_near(c.tok, ("plain", "month", "since", "deadline"))
            near = past if past is not None and past.year < now else None
        if near is not None and near.tok > c.tok:
            return near.year, "clause"
        if metric_tok is not None and is_dti_family(metric):
            y = frames.year_after_metric(v, metric_tok)
            if y:
                return y, "metric"
        if near is not None:
            return near.year, "clause"
        if c.kind == "rank_change" or (c.kind == "percent" and phrases.change_suffix(v, c.tok)):
            after = [y for y in v.years if y.role == "compare" and c.tok < y.tok <= c.tok + 6]
            if not after and c.kind == "rank_change":
                after = [y for y in v.years if y.role == "compare"]
            if after:
                return after[0].year + 1, "compare_next"
        opening = frames.opening_year(v)
        if opening:
            return opening, "sentence"
        if metric_tok is not None:
            y = frames.year_after_metric(v, metric_tok)
            if y:
                return y, "metric"
        if frames.names_year_before(v, c.tok) and self.state.fact_year and \
                self.state.fact_year_paragraph >= v.t.paragraph - 2:
            return self.state.fact_year, "year_before"
        rel = frames.relative_year(v, c.tok)
        if rel is not None and self.ctx.edition:
            return self.ctx.edition + rel, "relative"
        py = self.state.paragraph_year(v.t.paragraph)
        if py:
            return py, "paragraph"
        frame = self.ctx.headings.get(v.t.paragraph)
        if frame is not None and frame.year:
            return frame.year, "heading"
        if target and self.state.target_year and self.state.target_paragraph >= v.t.paragraph - 2:
            return self.state.target_year, "discourse"
        if target and self.state.any_year and self.state.any_year_paragraph >= v.t.paragraph - 2:
            return self.state.any_year, "discourse"
        internal = c.subjects and all(s.type in ("district", "other") or (s.type == "agency" and s.province)
                                      for s in c.subjects) or (c.subjects == [] and self._local_subject(v, c))
        if internal and (self.ctx.title_year or self.ctx.report_year):
            return (self.ctx.title_year or self.ctx.report_year), "title"
        family = metric.split(".")[0]
        if not is_dti_family(metric) and family in self.ctx.index_years:
            return self.ctx.index_years[family], "index_year"     # 'ICT Index năm 2023' named once
        if is_dti_family(metric) or metric.startswith("dti_") or metric in ("ict_index",) or c.kind in RANKISH or \
                c.kind == "score" or "DTI" in v.t.text or "chuyển đổi số" in v.t.text.lower():
            if self.ctx.edition and (is_dti_family(metric) or self.ctx.topic is None or
                                     (self.ctx.topic and is_dti_family(self.ctx.topic.id))):
                return self.ctx.edition, "edition"
            if self.ctx.title_year:
                return self.ctx.title_year, "title"
            if self.ctx.report_year and not is_dti_family(metric):
                return self.ctx.report_year, "report"
            return (self.ctx.ref_year - 1 if self.ctx.ref_year else None), "published"
        if self.ctx.title_year:
            return self.ctx.title_year, "title"
        if target:
            return None, "none"
        if self.ctx.report_year:
            return self.ctx.report_year, "report"
        return self.ctx.ref_year, "published"

    def _local_subject(self, v: SentenceView, c: Candidate) -> bool:
        """Is the figure about one of a province's own agencies, districts or communes?"""
        before = [k for k in v.subjects if k < c.span[0]]
        if not before:
            return False
        ref = v.toks[before[-1]].ref
        return ref.type in ("district", "other") or (ref.type == "agency" and bool(ref.province))

    # ------------------------------------------------------------------ target
    def target(self, c: Candidate, v: SentenceView) -> tuple[bool, str]:
        if c.is_target is not None:
            return c.is_target, "construction"
        toks = v.toks
        cue = [k for k in range(0, c.tok) if toks[k].has("target_cue") and
               not (phrases.evaluated_goal(v, k) and v.has_between(k, c.tok, "colon", "semi", "comma")) and
               (v.paren[k] == 0 or v.paren[k] <= v.paren[c.tok] and not v.has_between(k, c.tok, "rpar"))]
        now = self.ctx.ref_year or (self.ctx.edition + 1 if self.ctx.edition else 2025)
        cue += [y.tok for y in v.years if y.role == "deadline" and y.tok < c.tok and y.year >= now]
        done = [k for k in range(0, c.tok) if toks[k].has("achieved_cue")]
        if cue and (not done or done[-1] < max(cue) or toks[done[-1]].text.lower() in ("đạt",)):
            return True, "cue"
        if not done and self.state.target_paragraph == v.t.paragraph and self.state.target_year is not None:
            return True, "paragraph"
        frame = self.ctx.headings.get(v.t.paragraph)
        if frame is not None and frame.target is not None:
            if frame.target and done:
                return False, "achieved_cue"
            return frame.target, "heading"
        return False, "default"

    # ------------------------------------------------------------------ total
    def total(self, c: Candidate, v: SentenceView, subject: SubjectMention) -> tuple[Optional[float], str]:
        if c.total is not None:
            return c.total, "construction"
        if c.kind not in ("rank", "top_n", "bottom_n") and c.kind != "count":
            return None, "none"
        if c.notes.get("regional"):
            return None, "none"
        stated = frames.size_after(v, c)
        if stated:
            return stated, "stated"
        if c.kind == "count":
            return frames.count_total(v, c), "stated"
        # 'Gia Lai (cũ) tăng bốn bậc nhưng vẫn chỉ đứng thứ 59': a province as it was before the merger
        # is ranked among the 63
        named = [k for k in v.subjects if k < c.tok and v.toks[k].ref.type == "province"]
        if named and any(t.text.lower() == "cũ" for t in v.toks[named[-1] + 1:named[-1] + 3]):
            return 63.0, "old_province"
        frame = frames.sentence_frame(v)
        if frame:
            return frame, "frame"
        group = "ministry" if subject.type == "ministry" or (subject.type == "agency" and not subject.province) \
            else subject.type
        f = self.state.frame_for(group, v.t.paragraph)
        if f is not None:
            return f.total, "frame"
        return None, "none"

    # ------------------------------------------------------------------ facts
    def facts(self, c: Candidate, v: SentenceView) -> list[Fact]:
        subjects, how_subject = self.subjects(c, v)
        if not subjects:
            return []
        if scopes.negated(c, v):
            return []
        aggregate = how_subject in ("aggregate", "aggregate_local")
        national = c.kind in ("score", "percent", "rank", "rank_change") and scopes.national_index(c, v)
        if national and not c.subjects:
            subjects, how_subject = [NATION], "national_index"
        if subjects and all(s.type == "country" for s in subjects) and how_subject != "national_index":
            c.notes["country_subject"] = True
        metrics, how_metric = self.metrics(c, v, aggregate)
        if not metrics:
            return []
        # a text on another subject (football, a tender) states figures of its own: only a named
        # index or a known indicator is taken from it
        if not self.ctx.dx_doc and not indicators.known(metrics[0][0]) and metrics[0][0].split(".")[0] not in _INDEX_FAMILIES:
            return []
        region = frames.region_of(c, v) if c.kind in RANKISH else None
        if region:
            c.notes["regional"] = True
            names = [t.ref.name for t in v.toks if t.has("REGION") and t.text in region]
            c.notes["region"] = names[0] if names else region
        if region:
            metrics = [(m if m.endswith("_regional") else m + "_regional", f"{p} {region}") for m, p in metrics]
        target, how_target = self.target(c, v)
        kind, value = c.kind, c.value
        if kind == "rank" and value == 1 and len(subjects) > 1 and not c.notes.get("tie") and \
                how_subject in ("coordination", "construction") and c.construction.startswith("rank.first"):
            kind, value = "top_n", float(len(subjects))      # 'A, B và C dẫn đầu': a leading group
        start, end = v.t.offset, v.t.offset + len(v.t.text)
        evidence = v.t.text
        out = []
        metric_tok = self.metric_at if self.metric_at is not None else phrases.metric_token(v, c)
        for subj in subjects:
            for metric, phrase in metrics:
                year, how_year = self.year(c, v, metric, metric_tok, target)
                if c.notes.get("previous") and year and how_year not in ("compare_then", "construction"):
                    year, how_year = year - 1, how_year + "_before"   # 'từ hạng 14 lên hạng 9': 14 was last year's
                total, how_total = self.total(c, v, subj)
                scale = None
                unit = c.unit
                if kind == "score":
                    scale = domain.scale_of(value, metric, c.scale)
                    unit = unit or "điểm"
                elif kind == "percent":
                    unit = "%"
                f = Fact(subject=subj.name, subject_type=subj.type, metric=metric, metric_phrase=phrase,
                         kind=kind, value=value, evidence=evidence, start=start, end=end,
                         province=subj.province if subj.type in ("district", "agency", "other") else None,
                         year=year, total=total if kind != "score" else None, scale=scale, unit=unit,
                         qualifier=c.qualifier, is_target=target, extractor=c.construction,
                         extractor_version=self.version)
                f.provenance = {"construction": c.construction, "subject": how_subject, "metric": how_metric,
                                "year": how_year, "total": how_total, "target": how_target,
                                "at": v.toks[c.tok].start if 0 <= c.tok < len(v.toks) else start}
                if c.notes.get("region"):
                    f.provenance["region"] = c.notes["region"]
                if "from_bottom" in c.notes:
                    f.provenance["from_bottom"] = c.notes["from_bottom"]
                if "full_list" in c.notes and kind == "rank":
                    f.provenance["full_list"] = c.notes["full_list"]
                out.append(f)
        return out
