"""EU AI Act 5(1)(e): untargeted scraping of facial images into a recognition database."""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from kzai_lint import PYTHON_KINDS, Confidence, FileContext, Hit, Invalid, PythonRule, RuleMeta, Valid
from kzai_lint_eu_ai_act._common import clause_phrase, pack_data, under

# Node type names, not classes: a module-level `cst.For` would load libcst in every run (0.2 s).
_LOOPS = ("For", "While", "ListComp", "SetComp", "DictComp", "GeneratorExp")


class UntargetedFaceScraping(PythonRule):
    """Bulk image crawling feeding face embeddings or face search in the same module.

    ## What it finds
    A module that collects images in bulk from the web (an image crawler such as `icrawler` or
    `bing_image_downloader`, or HTTP downloads in a loop or next to an HTML scraper) **and** turns
    faces into identity vectors or searches a face database (`face_recognition.face_encodings`,
    insightface `FaceAnalysis`, `DeepFace.represent` / `DeepFace.find`, facenet, dlib's face
    recognition model). Names are resolved through imports and aliases. The finding points at the
    face-embedding call and names the crawler.

    ## Why it matters
    Article 5(1)(e) of the EU AI Act (Regulation (EU) 2024/1689) prohibits "the placing on the
    market, the putting into service for this specific purpose, or the use of AI systems that
    create or expand facial recognition databases through the untargeted scraping of facial images
    from the internet or CCTV footage". Kazakhstan's Article 17 has no separate prohibition; the
    nearest clause is 17(3)(4), "collection and processing of personal data in violation of the
    legislation of the Republic of Kazakhstan on personal data and their protection": facial
    images and face embeddings are biometric personal data, and people found by a crawler have not
    consented. The finding is therefore reported under KZ304.

    ## Mitigation
    Do not build face databases from scraped images. Enrol only people who consented (their own
    uploads, an enrolment flow guarded by a consent hook), or use a licensed data set collected
    with consent. If a law of Kazakhstan provides for the processing, declare it in
    `[[tool.kzai-lint.system.lawful-basis]]` with `clause = "17(3)(4)"`; that does not lift the EU
    prohibition.

    ## Suppression
    `# kzai: ignore[KZ304] <reason>` on the face-embedding line.
    """

    meta = RuleMeta(id="KZ304/eu-face-scraping", code="KZ304", kinds=frozenset(PYTHON_KINDS), confidence=Confidence.HIGH, tags=("eu-ai-act", "5(1)(e)"), since="0.1.0")
    INVALID = (
        Invalid("""
            from icrawler.builtin import GoogleImageCrawler
            import face_recognition

            GoogleImageCrawler(storage={"root_dir": "faces"}).crawl(keyword="people in the street", max_num=5000)
            encodings = [face_recognition.face_encodings(face_recognition.load_image_file(p)) for p in image_paths()]
            """, line=5),
        Invalid("""
            import requests as http
            from deepface import DeepFace as DF

            def build_index(urls):
                index = []
                for url in urls:
                    path = save(http.get(url, timeout=10).content)
                    index.append(DF.represent(img_path=path, model_name="ArcFace"))
                return index
            """, line=8, note="aliases, downloads in a loop"),
        Invalid("""
            from bing_image_downloader import downloader
            from insightface.app import FaceAnalysis

            downloader.download("celebrities red carpet", limit=1000, output_dir="scraped")
            app = FaceAnalysis(name="buffalo_l")
            """, line=5, note="insightface model pack with a recognition model"),
    )
    VALID = (
        Valid("""
            from icrawler.builtin import BingImageCrawler
            BingImageCrawler(storage={"root_dir": "cats"}).crawl(keyword="tabby cat", max_num=500)
            """, note="bulk crawling without any face processing"),
        Valid("""
            import face_recognition
            def enrol(employee_photo_path):
                image = face_recognition.load_image_file(employee_photo_path)
                return face_recognition.face_encodings(image)[0]
            """, note="targeted enrolment of a known person, no crawling"),
        Valid("""
            import requests
            import face_recognition
            def verify(avatar_url, probe):
                avatar = load(requests.get(avatar_url).content)
                return face_recognition.compare_faces(face_recognition.face_encodings(avatar), probe)
            """, note="one targeted download (no loop, no scraper): verification, not scraping"),
    )

    def keywords(self) -> Iterable[str] | None:
        return {name.split(".", 1)[0].lower() for name in pack_data(self.catalogue)["face_embedders"]}

    def check(self, ctx: FileContext) -> Iterator[Hit]:
        assert ctx.python is not None
        data = pack_data(ctx)
        facts = ctx.python.facts
        crawler, how = self._crawler(facts, data)
        if crawler is None:
            return
        embedders = [site for site in facts.calls if under(site.qualname, data["face_embedders"])]
        if not embedders:
            return
        site = embedders[0]
        where = ctx.python.span(crawler.node)
        at = f" (line {where.line})" if where is not None else ""
        more = f" and {len(embedders) - 1} more face-embedding call(s)" if len(embedders) > 1 else ""
        message = (
            f"{site.display}(){more} turns faces into identity vectors from images collected by {crawler.display}(){at}, {how}: "
            f"untargeted scraping of facial images to build a facial-recognition database (EU AI Act Article 5(1)(e)); "
            f"under {clause_phrase(ctx, self.meta.code)} the scraped people's biometric data is processed without consent. "
            f"Mitigation: enrol only consenting people or use a data set collected with consent."
        )
        confidence = Confidence.HIGH if how == "an image crawler" else Confidence.MEDIUM
        yield ctx.python_hit(site.node, message, scope=site.scope, capability="eu_untargeted_face_scraping", confidence=confidence, guard_purpose="personal_data")

    @staticmethod
    def _crawler(facts: Any, data: Any) -> tuple[Any, str]:
        for site in facts.calls:
            if under(site.qualname, data["image_crawlers"]):
                return site, "an image crawler"
        scraper = any(under(m, data["page_scrapers"]) for m in facts.imported_modules)
        for site in facts.calls:
            if not under(site.qualname, data["http_downloads"]):
                continue
            if any(type(node).__name__ in _LOOPS for node in site.ancestors):
                return site, "downloads in a loop"
            if scraper:
                return site, "downloads next to an HTML scraper"
        return None, ""
