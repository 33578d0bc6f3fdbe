"""What a profile's free text says it wants: export, countries, marketplaces, bulk, payments.

Enterprises describe themselves in English, Hindi, Marathi, romanised Hindi or Marathi, or a
mix ("hum Banarasi saree banate hai, videsh bhejna hai"). :func:`read_intent` finds, in the
``products`` text, the intents an officer would hear in it:

- export or abroad ("export", "निर्यात", "परदेशात", "videsh", "bahar bhejna"), countries
  ("Dubai", "अमेरिका", "USA") as ISO 3166-1 alpha-2 codes, and regions ("Europe", "Gulf");
- marketplaces and channels (Amazon, Flipkart, Etsy, Meesho, GeM, ONDC, own website,
  WhatsApp or Instagram as social media, exhibitions, wholesale buyers);
- needs: bulk loads (tonnes, टन, quintal, truck loads), cash on delivery, digital payments
  (UPI, QR; taking payments, but not "payment on delivery"), life and accident cover (बीमा,
  विमा), packaging, pickup, returns, training...;
- what it sends besides goods: papers and printed matter (catalogues, books, कैटलॉग, दस्तऐवज;
  "documents" only when not the paperwork of a shipment) and advertising to an area
  (leaflets, विज्ञापन, जाहिरात), for the services that carry only those.

Matching works on a *key* per word, the same for the lexicon and the text, so that one
lexicon entry covers the spellings people use: Devanagari words are romanised with the
maintained ``indic-transliteration`` package (its OPTITRANS scheme, from the tables it ships:
nothing is fetched), the word-final inherent vowel is dropped as Hindi and Marathi speakers
drop it (विदेश -> "videsh", निर्यात -> "niryat"), and long vowels and ``w``/``v`` are folded
(so "niryaat", "niryat" and निर्यात meet). A lexicon entry may end in ``*`` to match any word
starting with it ("export*": exports, exporter, exporting). Entries are word sequences;
a hit right after or before a negation ("no", "not", "nahi", "नहीं", "नाही") does not count.

Stop words of the four ways of writing (``STOP_WORDS``) never make a text reason: the text
signal drops them (``matching.text.words``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from catalog.vocab import Need, SalesChannel

# --- normalisation ---------------------------------------------------------------------------

_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# A word: Latin letters and digits, or Devanagari letters with their vowel signs and marks.
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u0900-\u097f]+")
_NUKTA = "\u093c"
_INVISIBLE: dict[int, int | None] = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
_INVISIBLE.update({0x0966 + d: ord("0") + d for d in range(10)})  # Devanagari digits
_FOLDS = (("aa", "a"), ("ee", "i"), ("ii", "i"), ("oo", "u"), ("uu", "u"), ("w", "v"),
          (".", ""), ("~", ""), ("^", ""))


def normalise(text: str) -> str:
    """NFC, lower case, no zero-width joiners, no nukta (ज़ and ज are written alike),
    Devanagari digits as ASCII ones (३ टन is 3 टन)."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).lower()
    return unicodedata.normalize("NFD", text).replace(_NUKTA, "").replace("\u0901", "\u0902")


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """The matching key of one word (see the module docstring): romanised, folded."""
    if _DEVANAGARI.search(word):
        from indic_transliteration import sanscript  # 0.2 s to import: only when needed

        roman = sanscript.transliterate(
            unicodedata.normalize("NFC", word), sanscript.DEVANAGARI, sanscript.OPTITRANS
        )
        # The inherent vowel at the end of a word is not spoken (विदेश is "videsh").
        if len(roman) > 2 and roman.endswith("a") and roman[-2] not in "aeiouAEIOU":
            roman = roman[:-1]
        word = roman.lower()
    for old, new in _FOLDS:
        word = word.replace(old, new)
    return word


def tokens(text: str) -> list[str]:
    """The words of ``text`` in order, normalised (not yet keyed)."""
    return _TOKEN.findall(normalise(text))


# Punctuation that ends a clause ("want to start exporting, buyer not fixed"): a negation in
# another clause says nothing about a hit. A full stop only before a space or the end, so that
# "1.5 kg" stays one clause.
_CLAUSE_END = re.compile(r"[,;:!?()\[\]|\n\u0964\u0965]|\.(?=\s|$)")


def clauses(text: str) -> list[int]:
    """The clause number of each word of ``tokens(text)``, in order."""
    out: list[int] = []
    for number, part in enumerate(_CLAUSE_END.split(normalise(text))):
        out.extend(number for _ in _TOKEN.finditer(part))
    return out


# --- stop words ---------------------------------------------------------------------------

# Words that say nothing about what an enterprise needs, in English (beyond scikit-learn's
# list), Hindi, Marathi and romanised Hindi and Marathi. Compared by key.
_STOP_TEXT = """
run runs running ran we us our ours i my me also make makes making made sell sells selling
sold want wants wanted need needs like do does doing done get got go going and or the a an
based since year years started start small business businesses company firm unit work
working products product items item goods things thing lot lots good best quality new
hum hamara hamari hamare ham mera meri mere main mai ham apna apni apne hai hain he ho tha
thi the ka ki ke ko se me mein par pe aur ya bhi to toh ek kuch sab yah ye vah woh jo
karte karta karti karna karne kar rahe raha rahi wala wali wale liye lie
hai hota hoti hote ahe aahe aani ani va mi amhi amcha amchi amche majha majhi ani ki
आणि आहे आहेत आम्ही आमचा आमची आमचे माझा माझी मी व की हे ते तो ती या व्या चा ची चे ला ना
ने नि सुद्धा पण करतो करते करतात करणे
और का की के को से में पर है हैं था थी थे हम हमारा हमारी हमारे मैं मेरा मेरी मेरे एक यह
ये वह वो जो भी तो या कुछ सब करते करता करती करना करने रहे रहा रही वाला वाली वाले लिए
"""
STOP_WORDS: frozenset[str] = frozenset(key(w) for w in tokens(_STOP_TEXT))
"""Keys of the stop words (see :func:`is_stop_word`)."""


def is_stop_word(word: str) -> bool:
    """Whether ``word`` (any script) is a stop word."""
    return key(normalise(word)) in STOP_WORDS


# --- the lexicon ----------------------------------------------------------------------------
# Entries are separated by commas; an entry is one word or a phrase of several.

# Words or phrases that say the enterprise ships, or wants to ship, abroad.
EXPORT = """
export*, abroad, overseas, foreign*, international, internationally, worldwide, world-wide,
global, globally, cross border, cross-border, outside india, other countries, out of india,
निर्यात*, एक्सपोर्ट*, विदेश*, परदेश*, अंतरराष्ट्रीय*, अंतर्राष्ट्रीय*, आंतरराष्ट्रीय*,
दुनिया भर, दुनियाभर*, देश के बाहर, देश से बाहर, बाहर के देश*, बाहर भेज*, परदेशी*, जगभर*,
देशाबाहेर, बाहेरच्या देश*,
niryat*, nirayat*, videsh*, bidesh*, pardes*, pardesh*, parades*, paradesh*, antarrashtriya*,
antarashtriya*, nri, एनआरआई, baher desh*, बाहेर देश*,
bahar bhej*, baahar bhej*, desh ke bahar, desh se bahar, bahar ke desh*, duniya bhar,
duniyabhar*, jagbhar*, deshabaher*, baherchya desh*
"""

# First export: what an officer hears as "a first-time exporter".
FIRST_EXPORT = """
first export*, first time export*, first-time export*, new to export*, start export*,
starting export*, begin export*, पहली बार, पहला निर्यात, पहिल्यांदा, pehli baar, pahli baar,
pehli bar, pahli bar, pahilyanda
"""

# Country names people write, by ISO code (English, Hindi, Marathi, romanised).
COUNTRIES: Mapping[str, str] = {
    "US": "usa, u s a, united states, america, american*, अमेरिक*, अमरीक*, यूएसए, यूएस, "
          "amerika*, new york, california",
    "GB": "uk, u k, united kingdom, britain, british, england, london, ब्रिटेन*, इंग्लैंड*, "
          "इंग्लंड*, लंदन*, लंडन*, यूके",
    "AE": "uae, u a e, emirates, dubai*, abu dhabi, sharjah, दुबई*, यूएई, अमीरात",
    "SA": "saudi*, riyadh, jeddah, सऊदी*, सौदी*",
    "QA": "qatar, doha, कतर",
    "KW": "kuwait, कुवैत",
    "OM": "oman, muscat, ओमान",
    "BH": "bahrain, बहरीन",
    "DE": "germany, berlin, जर्मनी*",
    "FR": "france, paris, फ्रांस*, फ्रान्स*",
    "IT": "italy, इटली",
    "ES": "spain, स्पेन",
    "NL": "netherlands, holland, नीदरलैंड*",
    "BE": "belgium",
    "CH": "switzerland, स्विट्जरलैंड",
    "SE": "sweden",
    "IE": "ireland",
    "PL": "poland",
    "RU": "russia*, रूस, रशिया",
    "CA": "canada, toronto, कनाड*, कॅनड*",
    "AU": "australia*, ऑस्ट्रेलि*, sydney, melbourne",
    "NZ": "new zealand, न्यूजीलैंड",
    "JP": "japan, tokyo, जापान*, जपान*",
    "KR": "south korea, korea, कोरिया",
    "SG": "singapore, सिंगापुर*, सिंगापूर*",
    "MY": "malaysia, मलेशिया",
    "TH": "thailand, थाईलैंड",
    "ID": "indonesia, इंडोनेशिया",
    "VN": "vietnam, वियतनाम",
    "HK": "hong kong, हांगकांग",
    "CN": "चीन",
    "NP": "nepal, kathmandu, नेपाल*",
    "BT": "bhutan, भूटान",
    "BD": "bangladesh, dhaka, बांग्लादेश, बांगलादेश",
    "LK": "sri lanka, srilanka, श्रीलंका",
    "MV": "maldives, मालदीव",
    "MU": "mauritius, मॉरीशस",
    "ZA": "south africa, दक्षिण अफ्रीका",
    "KE": "kenya, nairobi, केन्या",
    "NG": "nigeria, नाइजीरिया",
    "EG": "egypt, मिस्र",
    "IL": "israel, इज़राइल",
    "BR": "brazil, ब्राजील",
    "MX": "mexico, मेक्सिको",
}
# Names that are also ordinary words ("bone china", "turkey", "us"): a country only when
# written with a capital letter (all capitals for "US").
CAPITALISED_COUNTRIES: Mapping[str, str] = {
    "US": "US", "CN": "China", "TR": "Turkey", "JO": "Jordan", "GE": "Georgia",
}
# Regions. The Gulf is the six Gulf Cooperation Council countries; a wider region leaves the
# countries undecided (export intent without destinations: DESIGN §4).
GULF = ("AE", "SA", "QA", "KW", "OM", "BH")
REGIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "Gulf": ("gulf, gcc, middle east, arab countries, arab country, arab desh*, khadi desh*, "
             "खाड़ी*, खाडी*, अरब देश*, आखाती*", GULF),
    "Europe": ("europe, european*, eu, यूरोप*, युरोप*, yurop*", ()),
    "Africa": ("africa, african*, अफ्रीका*, आफ्रिका*", ()),
    "Asia": ("asia, asian, south-east asia, southeast asia, एशिया*, आशिया*", ()),
    "Americas": ("latin america, south america", ()),
}

CHANNELS: Mapping[SalesChannel, str] = {
    SalesChannel.AMAZON: "amazon*, अमेज़न*, अमेजन*, अमेझॉन*, अमेज़ॉन*, अमेजॉन*, amezon*",
    SalesChannel.FLIPKART: "flipkart*, flip kart, फ्लिपकार्ट*",
    SalesChannel.ETSY: "etsy, एट्सी",
    SalesChannel.MEESHO: "meesho*, मीशो*",
    SalesChannel.GEM: "gem portal, gem seller, gem gov in, government e-marketplace, "
                      "government e marketplace, govt e-marketplace, जेम पोर्टल*, "
                      "सरकारी ई-मार्केटप्लेस",
    SalesChannel.ONDC: "ondc, ओएनडीसी",
    SalesChannel.OWN_WEBSITE: "own website, our website, my website, website*, web site, "
                              "online store, shopify, woocommerce, वेबसाइट*, वेबसाईट*",
    SalesChannel.SOCIAL_MEDIA: "whatsapp*, instagram*, insta, facebook*, youtube*, "
                               "social media, व्हाट्सएप*, व्हॉट्सॲप*, व्हाट्सऐप*, "
                               "इंस्टाग्राम*, इन्स्टाग्राम*, फेसबुक*, सोशल मीडिया",
    SalesChannel.OWN_SHOP: "our shop, own shop, my shop, retail shop, showroom*, "
                           "हमारी दुकान*, अपनी दुकान*, मेरी दुकान*, दुकान है, दुकान चलाते, "
                           "आमचे दुकान, आमची दुकान*, माझे दुकान, माझी दुकान*, दुकान आहे, "
                           "hamari dukan*, apni dukan*, meri dukan*, dukan hai, dukaan hai, "
                           "amche dukan, amchi dukan*, majhe dukan, majhi dukan*, dukan ahe, "
                           "dukan aahe",
    SalesChannel.EXHIBITIONS: "exhibition*, trade fair*, expo, expos, mela, melas, haat*, "
                              "मेला, मेले, मेळा*, हाट, प्रदर्शनी*, प्रदर्शन*",
    SalesChannel.B2B_BUYERS: "wholesale*, distributor*, b2b, bulk buyers, "
                             "institutional buyers, थोक*, घाऊक*, thok*",
}

# ``GeM`` as written (capital G, small e, capital M) is the marketplace, never a gem stone.
_GEM_AS_WRITTEN = re.compile(r"(?<![A-Za-z])GeM(?![A-Za-z])")

NEEDS: Mapping[Need, str] = {
    Need.BULK_FREIGHT: "tonne*, ton, tons, tonnage, टन*, मेट्रिक टन, quintal*, "
                       "क्विंटल*, kvintal*, truck*, lorry, lorries, ट्रक*, container*, "
                       "कंटेनर*, ftl, bulk, bulk load*, bulk consignment*, freight, "
                       "मालवाहतूक*",
    Need.CASH_ON_DELIVERY: "cod, cash on delivery, payment on delivery, pay on delivery, "
                           "कैश ऑन डिलीवरी, कॅश ऑन डिलिव्हरी, कॅश ऑन डिलीव्हरी, "
                           "डिलीवरी पर भुगतान, डिलीवरी पर पेमेंट, डिलिव्हरीवर पैसे, डिलिव्हरीवर पेमेंट, "
                           "delivery par payment, "
                           "delivery pe payment",
    Need.DIGITAL_PAYMENTS: "upi, qr, paytm, phonepe, phone pe, gpay, google pay, bhim, "
                           "digital payment*, online payment*, यूपीआई, क्यूआर*, "
                           "ऑनलाइन पेमेंट*, डिजिटल पेमेंट*, card payment*, पैसे ऑनलाइन, ऑनलाइन पैसे, "
                           "ऑनलाइन भुगतान, paise online, online paise, online paisa, "
                           "bank account, current account, बैंक खाता, खाता खोल*, खाते उघड*, "
                           "current a c, bank a c, savings a c, khata khol*, bank khata, "
                           "khata chahiye, khate ughad*",
    Need.LIFE_COVER: "life insurance, life cover, term insurance, term plan, accident cover, "
                     "accident insurance, insurance, bima, vima, jeevan bima, jivan bima, "
                     "जीवन बीमा, बीमा*, विमा*, जीवन विमा, अपघात विमा, दुर्घटना बीमा, "
                     "jeevan vima, jivan vima, family cover",
    Need.SHIPMENT_INSURANCE: "insured parcel*, parcel insurance, transit insurance, "
                             "goods insurance, shipment insurance, पार्सल बीमा",
    Need.DOMESTIC_SHIPPING: "all over india, across india, pan india, pan-india, within india, "
                            "throughout india, whole india, all india, other states, "
                            "courier*, कुरिअर*, कूरियर*, कुरियर*, पूरे भारत, सारे भारत, "
                            "भारत भर, भारतभर*, देशभर*, देश भर, "
                            "संपूर्ण भारत, पूर्ण भारत, सगळ्या भारतात, pure bharat, sare bharat, "
                            "desh bhar, deshbhar*, bharat bhar, bharatbhar*, "
                            # romanised Hindi and Marathi with the English word for the country
                            "pure india, puri india, pura india, sare india, sari india, "
                            "poora india, sabhi india, all over the country, india bhar, "
                            "indiabhar*, पूरे इंडिया, सारे इंडिया, पूरा इंडिया, इंडियाभर*, "
                            "सगळ्या इंडिया*, संपूर्ण इंडिया*",
    # Goods that break on the way need packing as much as a profile that asks for it.
    Need.PACKAGING: "packaging, packing, पैकिंग, पॅकिंग, पैकेजिंग, पॅकेजिंग, fragile, breakable, "
                    "breakage, broken, nazuk, najuk, नाज़ुक, नाजुक, नाजूक, टूट*, tut jat*, "
                    "tutne, tutna, tut gay*, तुटत*, तुटू*, फुटत*, फूट*",
    Need.PICKUP: "pickup, pick up, pick-up, पिकअप, पिक अप",
    Need.RETURNS: "returns, reverse logistics, रिटर्न*",
    Need.TRACKING: "tracking, trackable, ट्रैकिंग, ट्रॅकिंग",
    Need.EXPORT_DOCUMENTATION: "iec, documentation, paperwork, export documents, "
                               "shipping bill, कागज़ात, कागजात, कागदपत्र*",
    Need.CUSTOMS_CLEARANCE: "customs, custom clearance, कस्टम*, सीमा शुल्क",
    Need.EXPORT_INCENTIVES: "rodtep, drawback, rosctl, export incentive*, export benefit*",
    Need.EXPORT_FINANCE: "export credit, export finance, export loan*, pre-shipment credit, "
                         "packing credit",
    Need.TRAINING: "training, learn, workshop*, प्रशिक्षण*, sikhna, seekhna, guidance, "
                   "मार्गदर्शन*",
    Need.MARKET_ACCESS: "new markets, new buyers, market linkage, find buyers, "
                        "नए ग्राहक, नवीन ग्राहक, market access",
    Need.GOVERNMENT_PROCUREMENT: "tender*, government buyers, government orders, "
                                 "government supply, govt supply, govt orders, sarkari kharid*, "
                                 "सरकारी खरीद*, सरकारी खरेदी*, निविदा*, टेंडर*, सरकारी ऑर्डर*, "
                                 "sarkari order*, "
                                 "government school*, government department*",
}
# Sending goods, and places in India: without export intent, the enterprise ships in India.
SENDING = """
send*, sent, ship, ships, shipped, shipping, dispatch*, deliver*, parcel*, courier*, mail,
mails, mailed, mailing, post to, पार्सल*, भेज*, पाठव*, bhej*,
pathav*, delhi, new delhi, mumbai, bombay, kolkata, calcutta, chennai, bengaluru, bangalore,
hyderabad, pune, ahmedabad, jaipur, lucknow, surat, kanpur, nagpur, patna, indore, bhopal,
siliguri, guwahati, other states, other cities, दिल्ली*, मुंबई*, कोलकाता*, कलकत्ता*, चेन्नई*,
बेंगलुरु*, बंगलौर*, हैदराबाद*, पुणे, पुण्यात, पुण्याला, अहमदाबाद*, जयपुर*, लखनऊ*, सूरत*,
नागपूर, नागपुर, पटना*, इंदौर*, भोपाल*, सिलीगुड़ी*, गुवाहाटी*, दूसरे राज्य*, दूसरे शहर*,
इतर राज्य*, इतर शहर*, dusre rajya*, dusre shahar*
"""
SENDING_STRENGTH = 0.6  # sending in India said in words: a domestic shipping need, weaker

# Papers and printed matter the enterprise sends (what a documents-only service carries:
# letters, printed papers, M-bags of books and catalogues). Words that are goods as often as
# papers ("paper", "journals" as notebooks, "contracts" won) are left out.
PAPERS = """
catalogue*, catalog, catalogs, brochure*, booklet*, books, magazine*, newspaper*,
periodical*, printed matter, printed paper*, letters, contract papers, contract documents,
legal papers, legal documents, कैटलॉग*, कैटलाग*, ब्रोशर*, पुस्तक*, किताब*, पत्रिका*, अखबार*,
समाचार पत्र*, दस्तावेज, दस्तावेजों, अनुबंध पत्र*, कॅटलॉग*, माहितीपत्रक*, मासिक*,
वृत्तपत्र*, दस्तऐवज*, करारपत्र*, kitab*, kitaab*, pustak*, patrika*, akhbar*, dastavej*,
dastavez*
"""
# "Documents" and "papers" are often the paperwork of a shipment ("export documents", "help
# with papers"): sent papers only when none of ``PAPERWORK`` is next to them.
PAPERS_OR_PAPERWORK = """
document, documents, papers, कागज़ात, कागजात, कागदपत्र*, kagzat, kagjat, kagaz, kagadpatr*
"""
PAPERWORK = """
export, exports, exporting, exporter, exporters, shipping, customs, custom, kyc, gst, gstin,
iec, registration, paperwork, help, madad, niryat, निर्यात, निर्यातीसाठी, निर्यातीची,
कस्टम, मदद, मदत, नोंदणी, पंजीकरण
"""
# Advertising to an area: what unaddressed advertising mail (leaflets to homes) carries.
ADVERTISING = """
advertis*, advert, adverts, leaflet*, pamphlet*, flyer*, flier*, handbill*, direct mail,
mailer*, local customers, local buyers, nearby customers, विज्ञापन*, पर्चे, पर्चा, पम्फलेट*,
जाहिरात*, पत्रक, पत्रके, हँडबिल*, पॅम्फ्लेट*, स्थानीय ग्राहक*, स्थानिक ग्राहक*, vigyapan*,
jahirat*, parche, parcha, pamflet*, local grahak*
"""

# Wanting it delivered fast: what the express services (Express Parcel, Speed Post, EMS) offer.
URGENT = """
urgent*, asap, quickly, quick delivery, quick dispatch, fast delivery, deliver fast,
delivered fast, fast shipping, fast courier, express delivery, same day, next day, time bound,
time-bound, जल्दी, जल्द, तुरंत, तुरन्त, फौरन, तत्काल, लवकर, तातडी*, त्वरित, jaldi, jaldee,
jald, turant, fauran, tatkal, lavkar, tatdi*, tvarit
"""
# The words the express services' catalogue texts use for it: an urgent profile's text is
# matched with them added (``encoding.query_text``), whatever language it said it in.
URGENT_TERMS = "urgent fast express"

# "Insurance" near one of these words is about the goods in transit, not life cover.
_TRANSIT = "parcel*, shipment*, goods, consignment*, transit, maal, पार्सल*, माल"

# Taking payments, said without naming how: digital payments (a payment service), unless a
# word of ``_ON_DELIVERY`` is next to it ("we collect payment on delivery" is cash at the door).
TAKING_PAYMENTS = """
accept payment*, receive payment*, take payment*, collect payment*, payments online,
payment online, help with payment*, पेमेंट ले*, पेमेंट स्वीकार*, भुगतान ले*, भुगतान स्वीकार*,
पेमेंट घे*, पेमेंट घ्या*, payment le*, bhugtan le*, paisa online
"""
_ON_DELIVERY = "delivery, डिलीवरी, डिलिवरी, डिलिव्हरी, डिलीव्हरी, डिलिव्हरीवर, डिलीव्हरीवर"

_NEGATIONS = """
no, not, never, dont, don't, doesnt, doesn't, cannot, cant, can't, without, nahi, nahin, nhi,
nai, नहीं, नही, नाही, मत
"""

# Which needs an intent brings with it, and how strongly (as ``signals.implied_needs``).
EXPORT_NEEDS: tuple[tuple[Need, float], ...] = (
    (Need.INTERNATIONAL_SHIPPING, 1.0), (Need.CUSTOMS_CLEARANCE, 0.6),
    (Need.EXPORT_DOCUMENTATION, 0.5),
)
FIRST_EXPORT_NEEDS: tuple[tuple[Need, float], ...] = (
    (Need.EXPORT_DOCUMENTATION, 1.0), (Need.TRAINING, 0.8),
)
# Sending parcels in India, at the strength it is said with: tracking comes with it.
DOMESTIC_NEEDS: tuple[tuple[Need, float], ...] = (
    (Need.DOMESTIC_SHIPPING, 1.0), (Need.TRACKING, 0.3),
)
TEXT_NEED_STRENGTH = 0.9  # a need named in words: nearly as strong as a ticked one


# --- matching -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Phrase:
    keys: tuple[str, ...]  # the last may end in "*" (a prefix)

    def at(self, words: list[str], i: int) -> bool:
        """Whether the phrase starts at word ``i`` of ``words`` (keys)."""
        n = len(self.keys)
        if i + n > len(words):
            return False
        for k, w in zip(self.keys, words[i:i + n], strict=True):
            if k.endswith("*"):
                if not w.startswith(k[:-1]):
                    return False
            elif w != k:
                return False
        return True


def _compile(lexicon: str) -> tuple[_Phrase, ...]:
    phrases = []
    for entry in lexicon.split(","):
        star = entry.strip().endswith("*")
        keys = [key(w) for w in tokens(entry.replace("*", ""))]
        if not keys:
            continue
        if star:
            keys[-1] += "*"
        phrases.append(_Phrase(tuple(keys)))
    # Longest first: "life insurance" is read before "insurance".
    return tuple(sorted(phrases, key=lambda p: -len(p.keys)))


@dataclass(frozen=True)
class Intent:
    """What the text says (all empty for a text that says none of it).

    ``international`` is True when the text speaks of exporting or names a country or region
    abroad; ``destinations`` are the ISO codes it names (none: undecided). ``words`` keeps,
    for each intent (``"export"``, a need's value, a channel's value, ``"first_export"``), the
    words of the text that said it, as written, for the reasons.
    """

    international: bool = False
    first_export: bool = False
    sends: bool = False  # speaks of sending goods or of places in India
    papers: bool = False  # names papers or printed matter it sends (``PAPERS``)
    advertises: bool = False  # speaks of advertising to an area (``ADVERTISING``)
    urgent: bool = False  # wants its goods delivered fast (``URGENT``)
    monthly_parcels: float | None = None  # parcels a month the text says it sends
    destinations: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[SalesChannel, ...] = ()
    needs: tuple[Need, ...] = ()
    words: Mapping[str, str] | None = None

    def said(self, what: str) -> str | None:
        """The words that said ``what`` (see the class docstring), as written."""
        return None if self.words is None else self.words.get(what)

    def implied_needs(self) -> dict[Need, float]:
        """Every need the text implies, with its strength in [0, 1]."""
        out: dict[Need, float] = {}

        def add(need: Need, strength: float) -> None:
            out[need] = max(out.get(need, 0.0), strength)

        if self.international:
            for need, strength in EXPORT_NEEDS:
                add(need, strength)
        if self.first_export:
            for need, strength in FIRST_EXPORT_NEEDS:
                add(need, strength)
        for need in self.needs:
            add(need, TEXT_NEED_STRENGTH)
        if self.advertises:  # leaflets to the homes around: customers are what it wants
            add(Need.MARKET_ACCESS, TEXT_NEED_STRENGTH)
        if self.sends and not self.international:
            add(Need.DOMESTIC_SHIPPING, SENDING_STRENGTH)
        domestic = out.get(Need.DOMESTIC_SHIPPING, 0.0)
        if domestic and not self.international:
            for need, strength in DOMESTIC_NEEDS:
                add(need, strength * domestic)
        return out


NOTHING = Intent()


@dataclass(frozen=True)
class _Lexicon:
    export: tuple[_Phrase, ...]
    first_export: tuple[_Phrase, ...]
    countries: tuple[tuple[str, tuple[_Phrase, ...]], ...]
    regions: tuple[tuple[str, tuple[str, ...], tuple[_Phrase, ...]], ...]
    channels: tuple[tuple[SalesChannel, tuple[_Phrase, ...]], ...]
    needs: tuple[tuple[Need, tuple[_Phrase, ...]], ...]
    transit: tuple[_Phrase, ...]
    sending: tuple[_Phrase, ...]
    papers: tuple[_Phrase, ...]
    papers_or_paperwork: tuple[_Phrase, ...]
    paperwork: frozenset[str]
    advertising: tuple[_Phrase, ...]
    urgent: tuple[_Phrase, ...]
    negations: frozenset[str]
    taking_payments: tuple[_Phrase, ...]
    on_delivery: frozenset[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon(
        export=_compile(EXPORT),
        first_export=_compile(FIRST_EXPORT),
        countries=tuple((code, _compile(names)) for code, names in COUNTRIES.items()),
        regions=tuple((name, codes, _compile(words))
                      for name, (words, codes) in REGIONS.items()),
        channels=tuple((channel, _compile(words)) for channel, words in CHANNELS.items()),
        needs=tuple((need, _compile(words)) for need, words in NEEDS.items()),
        transit=_compile(_TRANSIT),
        sending=_compile(SENDING),
        papers=_compile(PAPERS),
        papers_or_paperwork=_compile(PAPERS_OR_PAPERWORK),
        paperwork=frozenset(p.keys[0] for p in _compile(PAPERWORK)),
        advertising=_compile(ADVERTISING),
        urgent=_compile(URGENT),
        negations=frozenset(p.keys[0] for p in _compile(_NEGATIONS)),
        taking_payments=_compile(TAKING_PAYMENTS),
        on_delivery=frozenset(p.keys[0] for p in _compile(_ON_DELIVERY)),
    )


# "3,000 kg", "500 किलो": a load this heavy (at least ``HEAVY_KG``) is freight.
_KILOS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:kg|kgs|kilo|kilos|kilogram|kilograms|किलो|किग्रा)"
                    r"(?![a-z])")
HEAVY_KG = 100.0


def _heavy(text: str) -> str | None:
    """The first weight of ``HEAVY_KG`` or more written in kilograms, as written."""
    for match in _KILOS.finditer(normalise(text)):
        if float(match.group(1).replace(",", "")) >= HEAVY_KG:
            return match.group(0)
    return None


# "40 COD orders a day", "roz 25-30 order", "महिन्याला ४०० parcels": how many parcels a month
# the text says it sends (the first count; the lower end of a range).
_COUNT = r"(\d[\d,]*)(?:\s*(?:-|to|se|ते|से)\s*\d[\d,]*)?"
_PARCEL_WORD = (r"(?:parcels?|orders?|packets?|shipments?|consignments?|cartons?|boxes|bags|"
                r"letters|notices|items|pieces|sets|packs|"
                r"dispatches|"
                r"पार्सल|ऑर्डर|ऑर्डर्स|पैकेट|पॅकेट)")
_PERIODS = {
    30.0: r"a day|per day|daily|every day|each day|/day|roz|rozana|roj|har din|रोज|रोजाना|"
          r"दररोज|प्रतिदिन|दिवसाला",
    4.0: r"a week|per week|weekly|every week|each week|/week|har hafte|हफ्ते|आठवड्याला",
    1.0: r"a month|per month|monthly|every month|each month|/month|mahine|mahina|mahinyala|"
         r"महीने|महीना|महिन्याला|दरमहा|प्रति माह",
}
# One word may stand between a count and its parcels ("40 COD orders"), never a unit of
# weight or volume ("500 kg consignments" are loads, not 500 of them).
_BETWEEN = (r"(?:(?!(?:kg|kgs|kilos?|g|gm|gms|grams?|ml|litres?|liters?|l|tons?|tonnes?|"
            r"quintals?|किलो|टन|क्विंटल)(?!\w))\S+\s+)?")
_PER_PERIOD = tuple(
    (per_month, re.compile(
        rf"(?<!\w){_COUNT}\s*{_BETWEEN}{_PARCEL_WORD}(?:\s+\S+){{0,2}}?\s*(?:{words})(?!\w)"
        rf"|(?<!\w)(?:{words})(?:\s+\S+){{0,2}}?\s+{_COUNT}\s*{_BETWEEN}{_PARCEL_WORD}"))
    for per_month, words in _PERIODS.items()
)


_UNITS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * n for n, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_SCALES = {"hundred": 100, "thousand": 1000, "lakh": 100_000, "lakhs": 100_000}
_NUMBER = "|".join([*_UNITS, *_TENS])
_NUMBER_WORDS = re.compile(
    rf"\b(?:(?:{_NUMBER})(?:[\s-]+(?:{_NUMBER}|{'|'.join(_SCALES)}|and))*)\b")


def _words_to_digits(text: str) -> str:
    """English numbers in words as digits ("around sixty a month": 60, "three hundred": 300)."""
    def value(match: re.Match[str]) -> str:
        total = current = 0
        for word in re.split(r"[\s-]+", match.group(0)):
            if word in _UNITS:
                current += _UNITS[word]
            elif word in _TENS:
                current += _TENS[word]
            elif word in _SCALES:
                current = max(current, 1) * _SCALES[word]
                if _SCALES[word] >= 1000:
                    total, current = total + current, 0
        return str(total + current)
    return _NUMBER_WORDS.sub(value, text)


def _monthly_parcels(text: str) -> float | None:
    """The parcels a month the text says it sends (a count of parcels or orders per day, week
    or month, in digits or English words), else None."""
    normal = _words_to_digits(normalise(text))
    for per_month, pattern in _PER_PERIOD:
        found = pattern.search(normal)
        if found:
            count = next(g for g in found.groups() if g is not None)
            return float(count.replace(",", "")) * per_month
    return None


_NEGATION_REACH = 2  # a negation this many words before or after a hit cancels it


def _find(
    phrases: Iterable[_Phrase], keys: list[str], negations: frozenset[str] | None = None,
    clause: list[int] | None = None,
) -> tuple[int, int] | None:
    """The first (start, end) word span where one of ``phrases`` matches (and, with
    ``negations``, is not negated by a word of its clause: ``clause`` numbers each word's
    clause, see :func:`clauses`), else None."""
    # Only phrases whose first word is in the text can match anywhere: one pass over the
    # phrases instead of one per word (a text is read against a few thousand phrases).
    present = set(keys)
    phrases = [p for p in phrases if p.keys[0] in present
               or (p.keys[0].endswith("*") and any(k.startswith(p.keys[0][:-1]) for k in keys))]
    for i in range(len(keys)):
        for phrase in phrases:
            if phrase.at(keys, i):
                end = i + len(phrase.keys)
                if negations is not None:
                    around = [*range(max(0, i - _NEGATION_REACH), i),
                              *range(end, min(end + _NEGATION_REACH, len(keys)))]
                    if any(keys[j] in negations
                           and (clause is None or clause[j] == clause[i if j < i else end - 1])
                           for j in around):
                        continue
                return i, end
    return None


@lru_cache(maxsize=4096)
def read_intent(text: str) -> Intent:
    """The intents an officer would read in ``text`` (see the module docstring).

    Examples
    --------
    >>> read_intent("Banarasi silk sarees, we sell on Amazon").channels
    (<SalesChannel.AMAZON: 'amazon'>,)
    >>> read_intent("हमें विदेश में बेचना है, दुबई").destinations
    ('AE',)
    """
    if not text or not text.strip():
        return NOTHING
    lex = _lexicon()
    written = tokens(text)
    keys = [key(w) for w in written]
    clause = clauses(text)
    neg = lex.negations
    words: dict[str, str] = {}

    def hit(what: str, phrases: tuple[_Phrase, ...], not_near: frozenset[str] = neg) -> bool:
        span = _find(phrases, keys, not_near, clause)
        if span is None:
            return False
        words.setdefault(what, " ".join(written[span[0]:span[1]]))
        return True

    destinations: list[str] = []
    regions: list[str] = []
    for code, phrases in lex.countries:
        if hit(code, phrases):
            destinations.append(code)
    for code, name in CAPITALISED_COUNTRIES.items():
        if code not in destinations and re.search(rf"(?<![A-Za-z]){name}(?![A-Za-z])", text):
            destinations.append(code)
            words.setdefault(code, name)
    for name, codes, phrases in lex.regions:
        if hit(name, phrases):
            regions.append(name)
            destinations.extend(c for c in codes if c not in destinations)
    exports = hit("export", lex.export)
    if not exports and (destinations or regions):
        words["export"] = next(words[w] for w in (*regions, *destinations) if w in words)
    channels = [channel for channel, phrases in lex.channels if hit(channel.value, phrases)]
    if SalesChannel.GEM not in channels and _GEM_AS_WRITTEN.search(text):
        channels.append(SalesChannel.GEM)
        words[SalesChannel.GEM.value] = "GeM"
    needs = [need for need, phrases in lex.needs if hit(need.value, phrases)]
    heavy = _heavy(text)
    if heavy and Need.BULK_FREIGHT not in needs:
        needs.append(Need.BULK_FREIGHT)
        words[Need.BULK_FREIGHT.value] = heavy
    if Need.DIGITAL_PAYMENTS not in needs and hit(
            Need.DIGITAL_PAYMENTS.value, lex.taking_payments, neg | lex.on_delivery):
        needs.append(Need.DIGITAL_PAYMENTS)
    if Need.LIFE_COVER in needs and _find(lex.transit, keys) is not None:
        # "insurance for the parcels": the goods, not a life, are to be covered.
        needs.remove(Need.LIFE_COVER)
        if Need.SHIPMENT_INSURANCE not in needs:
            needs.append(Need.SHIPMENT_INSURANCE)
            words[Need.SHIPMENT_INSURANCE.value] = words.pop(Need.LIFE_COVER.value)
    if SalesChannel.GEM in channels and Need.GOVERNMENT_PROCUREMENT not in needs:
        needs.append(Need.GOVERNMENT_PROCUREMENT)
        words[Need.GOVERNMENT_PROCUREMENT.value] = words[SalesChannel.GEM.value]
    return Intent(
        international=exports or bool(destinations) or bool(regions),
        first_export=hit("first_export", lex.first_export),
        sends=hit("sends", lex.sending),
        papers=(hit("papers", lex.papers)
                or hit("papers", lex.papers_or_paperwork, neg | lex.paperwork)),
        advertises=hit("advertises", lex.advertising),
        urgent=hit("urgent", lex.urgent),
        monthly_parcels=_monthly_parcels(text),
        destinations=tuple(destinations),
        regions=tuple(regions),
        channels=tuple(channels),
        needs=tuple(needs),
        words=words,
    )
