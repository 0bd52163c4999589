"""The texts of the mails the portal sends (Swedish, plain text)."""

from dataclasses import dataclass

SIGNATURE = "\n\nVänliga hälsningar\nJIM Appar\n\nDet här mejlet går inte att svara på."


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def password_reset(name: str, link: str, minutes: int) -> Mail:
    return Mail(
        "Återställ ditt lösenord till JIM Appar",
        f"Hej {name}!\n\nNågon (förhoppningsvis du) har bett om att få återställa lösenordet till "
        f"ditt konto i JIM Appar. Välj ett nytt lösenord här:\n\n{link}\n\n"
        f"Länken fungerar en gång och i {minutes} minuter. Har du inte bett om detta kan du "
        "bortse från mejlet; ditt lösenord är oförändrat." + SIGNATURE,
    )


def verify_email(name: str, company: str, link: str) -> Mail:
    return Mail(
        "Bekräfta din e-postadress för JIM Appar",
        f"Hej {name}!\n\nVälkommen till JIM Appar. {company} är nu registrerat. Bekräfta din "
        f"e-postadress för att kunna logga in:\n\n{link}\n\nHar du inte registrerat dig kan du "
        "bortse från mejlet." + SIGNATURE,
    )


def already_registered(name: str, login_link: str, reset_link: str) -> Mail:
    return Mail(
        "Du har redan ett konto i JIM Appar",
        f"Hej {name}!\n\nNågon försökte registrera ett nytt konto med din e-postadress, men du har "
        f"redan ett konto. Logga in här:\n\n{login_link}\n\nHar du glömt lösenordet kan du "
        f"återställa det här:\n\n{reset_link}" + SIGNATURE,
    )


def invitation(
    name: str, inviter: str, company: str, link: str, hours: int, *, has_account: bool
) -> Mail:
    """To the invited address: a new one chooses a password through the link; one that has an
    account logs in through it to accept, and the account moves to the company."""
    if has_account:
        subject = f"{inviter} vill bjuda in dig till {company} i JIM Appar"
        how = (
            "Du har redan ett konto. Vill du gå över till "
            f"{company}, logga in med ditt lösenord via länken och godkänn inbjudan; annars kan "
            "du avböja den där eller bortse från mejlet"
        )
    else:
        subject = f"Inbjudan till {company} i JIM Appar"
        how = "Välj ditt lösenord här för att komma igång"
    return Mail(
        subject,
        f"Hej {name}!\n\n{inviter} har bjudit in dig till {company} i JIM Appar. {how}:\n\n"
        f"{link}\n\nLänken fungerar en gång och i {hours} timmar." + SIGNATURE,
    )


def password_changed(name: str, reset_link: str) -> Mail:
    return Mail(
        "Ditt lösenord till JIM Appar är ändrat",
        f"Hej {name}!\n\nLösenordet till ditt konto i JIM Appar har just ändrats och alla "
        "inloggningar har avslutats. Var det inte du? Återställ lösenordet direkt här:\n\n"
        f"{reset_link}" + SIGNATURE,
    )


def password_changed_in_account(name: str, reset_link: str) -> Mail:
    """After the user changed the password under Konto (the session they used stays)."""
    return Mail(
        "Ditt lösenord har ändrats",
        f"Hej {name}!\n\nLösenordet till ditt konto i JIM Appar har just ändrats under "
        "Inställningar > Konto. Du är kvar inloggad där du ändrade det; alla andra inloggningar "
        "har avslutats. Var det du behöver du inte göra något.\n\nVar det inte du? Återställ "
        f"lösenordet direkt här och kontakta er administratör:\n\n{reset_link}" + SIGNATURE,
    )


def company_already_customer(name: str, company: str, org_number: str, email: str) -> Mail:
    """To the administrators of an organisation someone tried to register again."""
    return Mail(
        f"Någon försökte registrera {company} i JIM Appar",
        f"Hej {name}!\n\nNågon försökte registrera organisationsnumret {org_number} som ny kund "
        f"med e-postadressen {email}. {company} är redan kund, så inget konto skapades. Är det en "
        "kollega kan du bjuda in hen under Organisation." + SIGNATURE,
    )


def registration_not_completed(name: str, company: str) -> Mail:
    """To the person who registered a company that already is a customer."""
    return Mail(
        "Registreringen i JIM Appar kunde inte slutföras",
        f"Hej {name}!\n\nVi kunde inte registrera {company}: företaget har redan ett konto hos "
        "oss. Be en administratör hos er att bjuda in dig under Organisation." + SIGNATURE,
    )


# What happened to the Fortnox connection, by token.attention_needed's `reason_code` where
# there is a text for it, else by its `reason`.
CONNECTION_PROBLEMS = {
    "reauthorization": (
        "Fortnox tar inte längre emot Resultat Finans koppling till {org}. Det händer när "
        "behörigheten har tagits bort hos Fortnox eller inte har kunnat förnyas. Tills kopplingen "
        "är förnyad kan Resultat Finans inte hämta uppgifter från Fortnox."
    ),
    "migration_refused": (
        "Fortnox har ändrat autentiseringsmetod för integrationer från permanenta till "
        "tillfälliga tokens, och Fortnox vägrade flytta {org}s gamla token till den nya metoden. "
        "Tills kopplingen är förnyad kan Resultat Finans inte hämta uppgifter från Fortnox."
    ),
    "consent_withdrawn": (
        "Behörigheten för Resultat Finans har tagits bort hos Fortnox för {org}, så Resultat "
        "Finans kan inte längre hämta uppgifter från Fortnox."
    ),
    "license_missing": (
        "Fortnox säger att {org} saknar den licens som Resultat Finans koppling behöver, så "
        "Resultat Finans kan inte hämta uppgifter från Fortnox. Kontrollera licensen hos Fortnox."
    ),
    "legacy": (
        "Fortnox har ändrat autentiseringsmetod för integrationer från permanenta till "
        "tillfälliga tokens. Resultat Finans koppling till {org} använder fortfarande den gamla, "
        "permanenta token och måste ändras till den nya autentiseringsmetoden."
    ),
}
UNKNOWN_PROBLEM = "Resultat Finans koppling till Fortnox för {org} behöver åtgärdas."


def connection_needs_you(
    name: str, org: str, reasons: tuple[str | None, str], link: str, reminder: bool
) -> Mail:
    """To each administrator while the organisation's Fortnox connection needs them; `reasons`
    is (reason code, reason): the first with a text of CONNECTION_PROBLEMS says what happened."""
    known = [CONNECTION_PROBLEMS[r] for r in reasons if r in CONNECTION_PROBLEMS]
    what = (known[0] if known else UNKNOWN_PROBLEM).format(org=org)
    subject = "Åtgärd krävs: koppla Resultat Finans till Fortnox igen"
    return Mail(
        f"Påminnelse – {subject[0].lower()}{subject[1:]}" if reminder else subject,
        f"Hej {name}!\n\n{what}\n\nSå här gör du: logga in i JIM Appar, öppna Resultat Finans "
        "och gå till Inställningar, fliken Applikation:\n\n"
        f"{link}\n\nKlicka på ”Ny Token”, logga in hos Fortnox och klicka på ”Godkänn "
        "behörigheter”. Det tar någon minut. Vi påminner dig efter 3 och efter 7 dagar om "
        "kopplingen inte har förnyats; när den fungerar igen får du inga fler mejl om det."
        + SIGNATURE,
    )
