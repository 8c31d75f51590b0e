"""`mapping draft` on exports written in Portuguese, Spanish, German or French: a help desk writes
headers and system values in the exporting agent's language (pipelines/local_words.py). A Brazilian
Zendesk export (semicolons, day-first dates, "Criado em", "Resolvido", "Alta") loads through its
unedited draft."""
from __future__ import annotations

import pytest

from pipelines.csv_dialect import CsvDialect
from pipelines.local_words import fold
from pipelines.mapping_draft import Sample, guess_columns
from pipelines.value_guesses import guess_value
from safetyops.cli import main
from tests.mapping_fixtures import drafted, loaded, write_export
from tests.test_mapping_draft_reports import TAXONOMY


@pytest.mark.parametrize("name, raw, guess", [
    ("status", "Novo", "new"), ("status", "Aberto", "open"), ("status", "Pendente", "pending"),
    ("status", "Em espera", "on_hold"), ("status", "Resolvido", "solved"), ("status", "Fechado", "closed"),
    ("status", "Abierto", "open"), ("status", "Pendiente", "pending"), ("status", "En espera", "on_hold"),
    ("status", "Resuelto", "solved"), ("status", "Cerrado", "closed"),
    ("status", "Neu", "new"), ("status", "Offen", "open"), ("status", "Wartend", "pending"), ("status", "Gelöst", "solved"),
    ("status", "Geschlossen", "closed"), ("status", "Ouvert", "open"), ("status", "En attente", "pending"),
    ("status", "Résolu", "solved"), ("status", "Fermé", "closed"),
    ("status", "Unresolved", "open"),                       # not "resolved"
    ("priority", "Baixa", "low"), ("priority", "Média", "normal"), ("priority", "Alta", "high"),
    ("priority", "Urgente", "urgent"), ("priority", "Niedrig", "low"), ("priority", "Hoch", "high"),
    ("priority", "Dringend", "urgent"), ("priority", "Basse", "low"), ("priority", "Haute", "high"),
    ("channel", "Telefone", "phone"), ("channel", "Téléphone", "phone"), ("channel", "Telegram", "chat"),
    ("channel", "Correo electrónico", "email"), ("channel", "Formulário web", "web"),
    ("abuse_category", "Discurso de ódio", "hateful_conduct"), ("abuse_category", "Assédio", "harassment"),
    ("abuse_category", "Exposição de dados pessoais", "private_information"), ("abuse_category", "Golpe", "spam"),
    ("abuse_category", "Suplantación de identidad", "impersonation"), ("abuse_category", "Belästigung", "harassment"),
    ("abuse_category", "Hassrede", "hateful_conduct"), ("abuse_category", "Harcèlement", "harassment"),
    ("abuse_category", "Conteúdo estranho", None),
])
def test_local_values_are_guessed(name, raw, guess):
    assert guess_value(name, raw, TAXONOMY) == guess


def test_headers_are_matched_without_their_accents():
    assert fold("Atribuído") == "atribuido" and fold("Gelöst am") == "gelost am"
    german = ["Ticket-ID", "Betreff", "Status", "Priorität", "Kanal", "Erstellt am", "Aktualisiert am", "Gelöst am",
              "Anfragender", "Bearbeiter", "Gruppe", "Missbrauchskategorie", "Sprache", "Markt"]
    rows = [["7", "x", "Offen", "Hoch", "E-Mail", "05.11.2026 14:10", "05.11.2026 15:10", "", "a@b.de", "Jo",
             "Safety DE", "Hassrede", "de", "DE"]]
    guessed = guess_columns(german, Sample(german, rows, CsvDialect("utf-8", ";")), TAXONOMY)
    assert guessed == {
        "ticket_id": "Ticket-ID", "created_at": "Erstellt am", "updated_at": "Aktualisiert am",
        "resolved_at": "Gelöst am", "status": "Status", "priority": "Priorität", "channel": "Kanal",
        "abuse_category": "Missbrauchskategorie", "region": "Markt", "language": "Sprache", "queue": "Gruppe",
        "agent": "Bearbeiter", "reporter": "Anfragender", "subject": "Betreff"}


PORTUGUESE = ["ID", "Assunto", "Status", "Prioridade", "Via", "Criado em", "Atualizado em", "Resolvido em",
              "Solicitante", "Atribuído", "Grupo", "Tipo de abuso", "Idioma", "Mercado"]
ROWS = [["501", "x", "Resolvido", "Alta", "Telefone", "05/11/2026 14:10", "05/11/2026 17:10", "05/11/2026 17:10",
         "a@exemplo.com.br", "Bia", "Segurança PT", "Discurso de ódio", "pt", "BR"],
        ["502", "x", "Em espera", "", "Formulário web", "13/11/2026 09:00", "13/11/2026 10:00", "",
         "b@exemplo.com.br", "Caio", "Segurança PT", "Golpe", "pt", "BR"]]


def test_a_brazilian_zendesk_export_loads_through_its_unedited_draft(tmp_path, config_file, capsys):
    export = write_export(tmp_path / "zendesk_pt.csv", PORTUGUESE, ROWS, delimiter=";")
    draft = drafted(config_file, capsys, export, "zendesk_pt")
    assert "TODO" not in draft and 'timestamp_formats = ["%d/%m/%Y %H:%M"]' in draft
    stored = loaded(config_file, capsys, export, draft,
                    "SELECT ticket_id, status, priority, channel, abuse_category, region, queue, "
                    "strftime(created_at AT TIME ZONE 'UTC', '%d %H:%M') FROM tickets ORDER BY 1",
                    "--timezone", "America/Sao_Paulo")
    assert stored == [("501", "solved", "high", "phone", "hateful_conduct", "BR", "Segurança PT", "05 17:10"),
                      ("502", "on_hold", "normal", "web", "spam", "BR", "Segurança PT", "13 12:00")]


def test_an_export_no_built_in_source_knows_points_to_mapping_draft(tmp_path, config_file, capsys):
    export = write_export(tmp_path / "zendesk_pt.csv", PORTUGUESE, ROWS, delimiter=";")
    assert main(["--config", str(config_file), "ingest", str(export)]) != 0
    assert f"`safetyops mapping draft {export} > mine.toml`" in capsys.readouterr().err
