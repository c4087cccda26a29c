/*
 * The words conversational bodies are made of, most frequent first: the
 * generator draws them with a Zipf law over this order, so the first words
 * appear in most messages and the last in a fraction of a percent. English
 * SMS language first, then words from other languages and scripts (Latin
 * with diacritics, Cyrillic, Greek, Arabic, Hebrew, CJK), which is what
 * exercises case folding and NFKC in the library.
 */
#include "vocab.h"

const char *const bench_vocab[] = {
    "the",         "to",         "you",        "I",           "a",
    "and",         "is",         "it",         "in",          "me",
    "for",         "my",         "of",         "on",          "that",
    "we",          "are",        "be",         "at",          "have",
    "can",         "will",       "so",         "ok",          "just",
    "what",        "with",       "do",         "your",        "this",
    "not",         "get",        "was",        "im",          "if",
    "but",         "now",        "know",       "when",        "go",
    "up",          "out",        "call",       "see",         "how",
    "lol",         "there",      "got",        "time",        "too",
    "need",        "come",       "home",       "today",       "tomorrow",
    "thanks",      "yes",        "no",         "love",        "good",
    "back",        "here",       "later",      "want",        "one",
    "day",         "tonight",    "all",        "let",         "still",
    "think",       "work",       "sure",       "hey",         "please",
    "sorry",       "going",      "about",      "did",         "from",
    "night",       "yeah",       "tell",       "dinner",      "phone",
    "meet",        "morning",    "soon",       "text",        "car",
    "minutes",     "leave",      "take",       "again",       "said",
    "pick",        "coming",     "free",       "ready",       "week",
    "office",      "thank",      "happy",      "left",        "way",
    "wait",        "nice",       "house",      "school",      "right",
    "maybe",       "late",       "Monday",     "Tuesday",     "Wednesday",
    "Thursday",    "Friday",     "Saturday",   "Sunday",      "weekend",
    "meeting",     "lunch",      "coffee",     "store",       "money",
    "order",       "delivery",   "package",    "address",     "flight",
    "train",       "ticket",     "hotel",      "doctor",      "appointment",
    "birthday",    "party",      "game",       "movie",       "music",
    "photo",       "picture",    "email",      "message",     "number",
    "account",     "payment",    "bank",       "card",        "code",
    "password",    "update",     "confirm",    "cancel",      "reschedule",
    "reminder",    "invoice",    "receipt",    "refund",      "shipping",
    "tracking",    "parcel",     "courier",    "station",     "airport",
    "traffic",     "parking",    "rain",       "snow",        "weather",
    "beach",       "garden",     "kitchen",    "groceries",   "milk",
    "bread",       "eggs",       "pizza",      "sushi",       "burger",
    "salad",       "chocolate",  "wine",       "beer",        "gym",
    "yoga",        "football",   "basketball", "tennis",      "concert",
    "festival",    "museum",     "library",    "hospital",    "pharmacy",
    "dentist",     "vaccine",    "passport",   "visa",        "insurance",
    "mortgage",    "landlord",   "plumber",    "electrician", "babysitter",
    "grandma",     "grandpa",    "cousin",     "neighbor",    "colleague",
    "manager",     "client",     "project",    "deadline",    "presentation",
    "spreadsheet", "contract",   "signature",  "warranty",    "subscription",
    "voucher",     "discount",   "coupon",     "checkout",    "wishlist",
    "Straße",      "café",       "naïve",      "façade",      "Größe",
    "mañana",      "niño",       "señor",      "über",        "Müller",
    "français",    "crème",      "résumé",     "jalapeño",    "smörgåsbord",
    "fjörd",       "Ångström",   "Øresund",    "İstanbul",    "Kraków",
    "Łódź",        "Dvořák",     "ﬁnance",     "ＡＢＣ",      "①",
    "привет",      "спасибо",    "завтра",     "Москва",      "καλημέρα",
    "ευχαριστώ",   "Ελλάδα",     "مرحبا",      "شكرا",        "שלום",
    "תודה",        "こんにちは", "ありがとう", "東京",        "谢谢",
    "你好",        "北京",       "안녕하세요", "감사합니다",  "नमस्ते",
    "धन्यवाद",      "สวัสดี",       "Ｔｏｋｙｏ", "ǅemal",       "ΣΊΣΥΦΟΣ",
    "İzmir",       "Ǆungla",     "Ⅻ",          "ℌilbert",
};

const size_t bench_vocab_count = sizeof bench_vocab / sizeof bench_vocab[0];
