"""Header and value words of help-desk exports written in Portuguese, Spanish, German or French,
the languages besides English that a social network's trust & safety queues most often run in. A
help desk writes an export's headers and its system values (statuses, priorities, channels) in the
exporting agent's language: a Brazilian team's Zendesk export says "Criado em", "Resolvido",
"Alta". `mapping draft` tries these after the English words (pipelines/mapping_draft.py,
pipelines/value_guesses.py); every word is written folded (lower case, no accents: `fold`)."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: "Atribuído" -> "atribuido", "Gelöst" -> "gelost"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# field -> header words (pt, es, de, fr), tried after the English synonyms
HEADERS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("id do ticket", "numero do ticket", "id del ticket", "numero de ticket", "ticket nr",
                  "ticketnummer", "numero du ticket", "identifiant"),
    "created_at": ("criado em", "data de criacao", "creado", "creado el", "fecha de creacion", "erstellt",
                   "erstellt am", "erstellungsdatum", "cree le", "date de creation"),
    "updated_at": ("atualizado em", "ultima atualizacao", "actualizado", "actualizado el", "ultima actualizacion",
                   "aktualisiert", "aktualisiert am", "mis a jour le", "date de mise a jour"),
    "first_response_at": ("primeira resposta em", "primera respuesta", "erste antwort", "premiere reponse"),
    "resolved_at": ("resolvido em", "solucionado em", "fechado em", "resuelto", "resuelto el", "fecha de resolucion",
                    "cerrado el", "gelost am", "geschlossen am", "resolu le", "date de resolution", "ferme le"),
    "status": ("estado", "situacao", "statut"),
    "priority": ("prioridade", "prioridad", "prioritat", "priorite"),
    "channel": ("canal", "kanal", "origem", "origen", "eingangskanal"),
    "abuse_category": ("tipo de abuso", "categoria de abuso", "categoria", "motivo da denuncia", "motivo",
                       "tipo de denuncia", "missbrauchskategorie", "kategorie", "type d abus", "categorie"),
    "region": ("mercado", "pais", "regiao", "markt", "land", "marche", "pays"),
    "language": ("idioma", "lingua", "sprache", "langue"),
    "vendor": ("fornecedor", "proveedor", "dienstleister", "fournisseur", "prestataire"),
    "queue": ("grupo", "fila", "gruppe", "equipe", "groupe"),
    "agent": ("atribuido", "responsavel", "agente", "asignado", "bearbeiter", "zugewiesen", "assigne"),
    "reporter": ("solicitante", "email do solicitante", "correo del solicitante", "anfragender", "antragsteller",
                 "demandeur"),
    "subject": ("assunto", "asunto", "betreff", "sujet", "objet"),
    "description": ("descricao", "descripcion", "beschreibung"),
    "tags": ("etiquetas", "marcadores", "schlagworter", "etiketten", "etiquettes"),
    "csat": ("satisfacao", "satisfaccion", "zufriedenheit"),
}

# field -> (word beginning, canonical value), tried after the English ones, in order
VALUES: dict[str, tuple[tuple[str, str], ...]] = {
    "status": (("fechad", "closed"), ("cerrad", "closed"), ("geschlossen", "closed"), ("ferme", "closed"),
               ("clos", "closed"), ("resol", "solved"), ("resuel", "solved"), ("gelost", "solved"),
               ("erledigt", "solved"), ("espera", "on_hold"), ("angehalten", "on_hold"), ("en pause", "on_hold"),
               ("pend", "pending"), ("wartend", "pending"), ("ausstehend", "pending"), ("en attente", "pending"),
               ("novo", "new"), ("nuevo", "new"), ("neu", "new"), ("nouveau", "new"), ("abert", "open"),
               ("abiert", "open"), ("offen", "open"), ("ouvert", "open")),
    "priority": (("dringend", "urgent"), ("alta", "high"), ("hoch", "high"), ("haute", "high"), ("elevee", "high"),
                 ("media", "normal"), ("mittel", "normal"), ("moyenne", "normal"), ("baixa", "low"), ("baja", "low"),
                 ("niedrig", "low"), ("basse", "low"), ("faible", "low")),
    "channel": (("telegram", "chat"), ("correio", "email"), ("correo", "email"), ("courriel", "email"),
                ("telef", "phone"), ("anruf", "phone"), ("formul", "web"), ("aplicativo", "app"),
                ("aplicacion", "app")),
}

# trust & safety words (word beginnings) -> the default taxonomy's categories
ABUSE_WORDS = (
    ("dados pessoais", "private_information"), ("datos personales", "private_information"),
    ("personliche daten", "private_information"), ("donnees personnelles", "private_information"),
    ("exposicao", "private_information"), ("odio", "hateful_conduct"), ("hass", "hateful_conduct"),
    ("haine", "hateful_conduct"), ("infantil", "child_safety"), ("menor", "child_safety"),
    ("kinder", "child_safety"), ("enfant", "child_safety"), ("extremis", "violent_extremism"),
    ("terroris", "violent_extremism"), ("ameaca", "violent_threats"), ("amenaza", "violent_threats"),
    ("drohung", "violent_threats"), ("menace", "violent_threats"), ("violencia", "violent_threats"),
    ("gewalt", "violent_threats"), ("assedio", "harassment"), ("acoso", "harassment"),
    ("belastigung", "harassment"), ("harcelement", "harassment"), ("autolesao", "self_harm"),
    ("autolesion", "self_harm"), ("suizid", "self_harm"), ("selbstverletzung", "self_harm"),
    ("automutilation", "self_harm"), ("falsidade ideologica", "impersonation"), ("suplantacion", "impersonation"),
    ("identitatsdiebstahl", "impersonation"), ("usurpation", "impersonation"), ("perfil falso", "impersonation"),
    ("nudez", "sensitive_media"), ("desnud", "sensitive_media"), ("nackt", "sensitive_media"),
    ("nudite", "sensitive_media"), ("golpe", "spam"), ("estafa", "spam"), ("fraude", "spam"),
    ("betrug", "spam"), ("arnaque", "spam"),
)
