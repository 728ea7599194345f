"""``GET /report``: the situation report of the server's situation, for any signed-in role."""

from __future__ import annotations

import lxml.html

XSS = "<img src=x onerror=alert(1)>"


def test_report_needs_a_token_and_any_role_may_read_it(api) -> None:
    assert api.client.get("/report").status_code == 401
    response = api.client.get("/report", headers=api.auth("viewer"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "<h1>" in response.text


def test_report_shows_confirmed_damage_and_escapes_incident_titles(api, bodies, city) -> None:
    incident_body, report_body = bodies
    ops = api.auth("operator")
    incident = api.client.post("/incidents", json=incident_body(title=XSS), headers=ops).json()
    added = api.client.post(f"/incidents/{incident['id']}/reports", json=report_body(), headers=ops)
    assert added.status_code == 201, added.text
    for asset_id in ("power.trafo.0", "power.trafo.1", "power.trafo.2", "power.trafo.3"):
        made = api.client.post(
            f"/incidents/{incident['id']}/damage", json={"asset_id": asset_id}, headers=ops
        )
        assert made.status_code == 201, made.text
    assessment = api.client.post("/assessments", json={}, headers=ops).json()["result"]
    response = api.client.get("/report?lang=uk", headers=api.auth("viewer"))
    assert response.status_code == 200, response.text
    root = lxml.html.fromstring(response.text)
    assert root.get("lang") == "uk"
    assert not root.xpath("//script") and not root.xpath("//@onerror")
    text = " ".join(root.find("body").itertext())
    assert XSS in text and "CHP-5 shift supervisor (utility, Observed)" in text
    people = f"{assessment['people_without_heat']:,}".replace(",", "\u00a0")
    assert f"{people} осіб без опалення" in text


def test_report_as_pdf_and_bad_parameters(api) -> None:
    viewer = api.auth("viewer")
    pdf = api.client.get("/report?format=pdf", headers=viewer)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and "attachment" in pdf.headers["content-disposition"]
    assert api.client.get("/report?lang=fr", headers=viewer).status_code == 422
    assert api.client.get("/report?format=docx", headers=viewer).status_code == 422
