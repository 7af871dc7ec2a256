"""General English word lists the quote finder reads: speech verbs and nouns, pronouns,
titles, common first names (to guess a pronoun's gender) and small function words.
Generic English, drawn from no corpus."""
from __future__ import annotations

from ..speakers import TITLE_WORDS  # noqa: F401  (the name rule the speaker picker shares)

SPEECH_VERBS = frozenset(
    """
    say tell state add write argue articulate mention note explain insist claim declare
    announce ask reply respond answer continue conclude warn suggest tweet post report
    call describe label brand dub term quip joke recall acknowledge admit concede assert
    contend maintain predict promise vow pledge urge testify confirm deny shout chant sing
    yell scream whisper complain boast brag muse observe remark comment emphasize emphasise
    stress exhort charge accuse praise criticize criticise lament decry proclaim rule rate read
    text email recount reiterate retort counter caution advise add demand plead blast
    slam condemn denounce dismiss mock tout hail cite quote characterize characterise
    summarize summarise opine surmise reason allege affirm swear repeat echo thank
    interject exclaim cry murmur mutter sigh snap laugh wonder speculate estimate
    announce concur disagree agree object protest insist highlight underline underscore
    point tell inform assure remind instruct order signal acknowledge pronounce write
    headline title caption sign tweet retweet blog publish print broadcast air
    find show reveal indicate express imply interrupt react propose refer
    speak talk discuss elaborate question bark blame lecture preach recite gush rave
    """.split()
)
# "find", "show", "reveal", "indicate": how polls, studies, reports and documents speak


def _inflections(verbs) -> frozenset:
    """Regular inflected forms of each verb, so that a wrong lemma ("rated" -> "rat")
    does not hide a cue."""
    out = set()
    for v in verbs:
        stem = v[:-1] if v.endswith("e") else v
        out.update((v, v + "s", v + "es", v + "ed", stem + "ed", stem + "ing", v + "ing"))
        if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
            out.update((v[:-1] + "ies", v[:-1] + "ied"))
        if len(v) > 2 and v[-1] in "tpgnm" and v[-2] in "aeiou" and v[-3] not in "aeiou":
            out.update((v + v[-1] + "ed", v + v[-1] + "ing"))
    out.update("said says told tells wrote written sang sung spoke spoken thought".split())
    return frozenset(out)


SPEECH_FORMS = _inflections(SPEECH_VERBS)
# verbs that take a quote as object/complement only when clearly about words
WEAK_CUES = frozenset("call describe label brand dub term rate rule characterize characterise refer".split())
CUE_NOUNS = frozenset(
    """
    statement claim remark comment words word message tweet assertion promise warning
    speech letter email post response reply answer interview testimony quote quip
    announcement declaration argument accusation charge pledge vow description
    call slogan chant phrase language view conclusion plea demand assessment
    suggestion prediction insistence assurance admission boast
    """.split()
)
# documents and media that speak through any verb ("The ad promotes him as “…”")
DOCUMENT_NOUNS = frozenset(
    """
    ad ads advert advertisement commercial letter memo memorandum report study poll survey
    statement tweet post editorial column article video sign banner petition complaint
    lawsuit filing ruling release email message website document transcript analysis
    platform brochure flyer leaflet mailer pamphlet manifesto
    """.split()
)
# nouns for people and bodies that speak for themselves ("The agency declined to detail
# its “specific focus”")
ROLE_NOUNS = frozenset(
    """
    agency board campaign committee company council court department government
    administration group party union commission panel office ministry firm team
    official officials spokesman spokeswoman spokesperson aide aides adviser advisers
    lawyer lawyers attorney attorneys senator governor mayor president candidate
    leader leaders chairman chairwoman director chief critic critics supporter supporters
    """.split()
)
PRONOUNS = frozenset("he she they we i you it him her them us me".split())
PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f"}
FEMALE_TITLES = frozenset("mrs. mrs ms. ms miss madam madame lady queen sister mother".split())
MALE_TITLES = frozenset("mr. mr sir lord king father brother".split())
# common first names, to guess a pronoun's gender cheaply (US census top names)
FEMALE_NAMES = frozenset(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah sara karen nancy
    lisa betty margaret sandra ashley kimberly emily donna michelle dorothy carol amanda
    melissa deborah stephanie rebecca sharon laura cynthia kathleen amy shirley angela
    helen anna brenda pamela nicole emma samantha katherine christine debra rachel
    catherine carolyn janet ruth maria heather diane virginia julie joyce victoria olivia
    kelly christina lauren joan evelyn judith megan cheryl andrea hannah martha jacqueline
    frances gloria ann teresa kathryn sara janice jean alice madison doris abigail julia
    judy grace denise amber marilyn beverly danielle theresa sophia marie diana brittany
    natalie isabella charlotte rose alexis kayla hillary hilary chelsea nikki kellyanne
    monica elena sonia valerie condoleezza nancy michele melania ivanka huma hope
    jill debbie monika
    """.split()
)
MALE_NAMES = frozenset(
    """
    james robert john michael david william richard joseph thomas charles christopher
    daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian
    george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan
    stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick
    raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter
    kyle ethan walter noah jeremy christian keith roger terry gerald harold sean austin
    carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert
    willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason
    philip louis barack bill mike ted marco rand chris newt rudy tim bernie jeb ben
    mitt harry al rick reince vinay narendra vladimir
    """.split()
)
RELATIVE = frozenset(("who", "that", "which", "whom"))
ADVERBIAL_MARKS = frozenset("after before when while because since although though until once whereas".split())
SMALL_WORDS = frozenset("of the a an and in on for to at by with or from vs vs. de la".split())
TITLE_CUES = frozenset(
    "titled entitled nickname episode documentary show program programme film movie book column segment series"
    " podcast album song novel memoir thriller drama sitcom musical anthem biopic miniseries".split()
)
# whose programme a title is: "the network's “…”" (and a day's: "Sunday's “…”")
BROADCASTERS = frozenset("television tv network channel radio station".split())
# things a title names when it stands before them: a show's star, a slogan's hat
TITLED_THINGS = frozenset(
    "star stars host hosts actor actress cast creator fans hat hats cap caps shirt shirts t-shirt t-shirts"
    " button buttons sticker stickers tote mug bus tour ad ads commercial episode episodes sketch theme"
    " award reboot sequel premiere finale podcast pageant".split()
)
# what comes before a programme's or a book's title and a preposition: an interview with
# "…", an appearance on "…", the author of "…", starred in "…"
APPEARANCE_WORDS = frozenset(
    "interview interviews appearance appearances appear appears appeared appearing air airs aired airing"
    " broadcast broadcasts episode episodes edition installment segment host hosts co-host author authors"
    " co-author founder founders creator role roles screening premiere star stars starred starring"
    " act acts acted acting".split()
)

# polls speak through those they asked: "In a new poll, six in 10 voters said …"
POLL_NOUNS = frozenset(("poll", "survey"))
SHARE_WORDS = frozenset(("percent", "%", "majority", "most", "half", "third", "quarter", "plurality"))
# whose view a sentence gives: "in Lee's view", "in the chief's words" (not "in her words")
VIEW_NOUNS = frozenset("view views opinion words mind eyes estimation judgment judgement telling".split())
POSSESSIVES = frozenset("his her their its my our your".split())
