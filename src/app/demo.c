/*
 * demo.c - the demo data set: what to insert (names, places, times, states). See demo.h.
 *
 * One function per kind of data (demo_postcodes, demo_organisations, demo_pool, demo_staff,
 * demo_pool_practices, demo_clinicians, demo_shifts), run in order by the STEPS table inside one
 * fp_store_write transaction; to add a kind (passport check records, say), write demo_<kind>() and
 * append it to STEPS. Every random choice comes from one fixed-seed generator, so the same `now`
 * gives the same data.
 *
 * Postcodes: the C table below is the one source of truth. data/postcodes-demo.csv carries the
 * same rows in the ONS Postcode Directory's layout (for `flexpool import postcodes`), and a unit
 * test proves the two agree. The table rather than reading the CSV at load time because the demo
 * must also work from an installed binary with no source tree beside it, and because it needs the
 * postcodes' places as well, which the ONSPD layout does not carry.
 */
#include "app/demo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/demo_passport.h"
#include "core/booking.h"
#include "core/error.h"
#include "core/funding.h"
#include "core/money.h"
#include "core/time.h"
#include "core/timesheet.h"
#include "core/validate.h"
#include "http/auth.h"
#include "app/demo_availability.h"
#include "store/accounts.h"
#include "store/alerts.h"
#include "store/demo.h"
#include "store/fhir.h"
#include "store/funding.h"
#include "store/members.h"
#include "store/pension.h"
#include "store/rate_policy.h"
#include "store/terms.h"
#include "store/places.h"
#include "store/shifts.h"

#define DAY (24 * 3600)
#define HOUR 3600
#define DOMAIN "@demo.flexpool.test"

/* The generator: splitmix64, small and good enough, with a fixed seed. ------------------------ */

struct rng {
  uint64_t s;
};

static uint64_t rng_next(struct rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* A whole number from lo to hi inclusive. */
static int64_t rnd(struct rng *r, int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool chance(struct rng *r, int percent) { return rnd(r, 0, 99) < percent; }

/* An index into weights[0..n), chosen in proportion to the weights. */
static int weighted(struct rng *r, const int *weights, int n) {
  int total = 0;
  for (int i = 0; i < n; i++) total += weights[i];
  int64_t x = rnd(r, 0, total - 1);
  for (int i = 0; i < n; i++) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return n - 1;
}

/* The fixed data. -------------------------------------------------------------------------- */

enum { LEEDS, BRADFORD, CALDERDALE, N_PLACES };

static const struct fp_demo_postcode POSTCODES[] = {
    /* Practices. */
    {"LS6 3BE", 53.816600, -1.571300, LEEDS},       {"LS16 5JX", 53.829300, -1.579100, LEEDS},
    {"LS16 8DE", 53.855200, -1.586300, LEEDS},      {"LS18 4AP", 53.841400, -1.638200, LEEDS},
    {"LS21 1BQ", 53.905400, -1.692100, LEEDS},      {"LS19 7PP", 53.868000, -1.685300, LEEDS},
    {"LS1 2NE", 53.798500, -1.553100, LEEDS},       {"LS8 5RL", 53.814200, -1.518600, LEEDS},
    {"LS7 4BB", 53.816700, -1.528100, LEEDS},       {"LS14 6NX", 53.822200, -1.458600, LEEDS},
    {"LS25 1LJ", 53.793600, -1.385300, LEEDS},      {"LS11 8SZ", 53.778700, -1.559400, LEEDS},
    {"LS27 9EN", 53.745200, -1.600900, LEEDS},      {"LS28 9AY", 53.796000, -1.661000, LEEDS},
    {"LS13 2ET", 53.809400, -1.631500, LEEDS},      {"BD8 7HB", 53.805100, -1.764000, BRADFORD},
    {"BD5 0BQ", 53.782700, -1.757500, BRADFORD},    {"BD3 8JX", 53.799000, -1.715000, BRADFORD},
    {"BD7 4PA", 53.782000, -1.787800, BRADFORD},    {"BD9 4BB", 53.810000, -1.787000, BRADFORD},
    {"BD13 2AZ", 53.768000, -1.846000, BRADFORD},   {"BD10 8PR", 53.833000, -1.746000, BRADFORD},
    {"BD18 3HH", 53.838000, -1.780000, BRADFORD},   {"BD16 2TL", 53.848000, -1.838000, BRADFORD},
    {"BD21 3RQ", 53.868000, -1.908000, BRADFORD},   {"BD22 8DU", 53.830000, -1.958000, BRADFORD},
    {"LS29 9EE", 53.925000, -1.823000, BRADFORD},   {"HX1 1QE", 53.720800, -1.859000, CALDERDALE},
    {"HX1 3LN", 53.716000, -1.875000, CALDERDALE},  {"HX3 7DX", 53.738000, -1.830000, CALDERDALE},
    {"HX2 9LL", 53.751000, -1.890000, CALDERDALE},  {"HX6 2AF", 53.708000, -1.908000, CALDERDALE},
    {"HX7 7DD", 53.743000, -2.013000, CALDERDALE},  {"OL14 5AT", 53.714000, -2.097000, CALDERDALE},
    {"HD6 1JN", 53.703000, -1.783000, CALDERDALE},  {"HX5 0BW", 53.686000, -1.839000, CALDERDALE},
    {"HX4 8HD", 53.691000, -1.873000, CALDERDALE},
    /* Homes (and branch surgeries). */
    {"LS6 1QN", 53.821100, -1.576600, LEEDS},       {"LS8 2JT", 53.835200, -1.502000, LEEDS},
    {"LS17 6PD", 53.852000, -1.535000, LEEDS},      {"LS12 3QE", 53.799000, -1.593000, LEEDS},
    {"LS26 0EW", 53.749000, -1.477000, LEEDS},      {"LS22 6RT", 53.928000, -1.386000, LEEDS},
    {"BD9 5HS", 53.814000, -1.796000, BRADFORD},    {"BD17 5ND", 53.850000, -1.770000, BRADFORD},
    {"BD20 0AD", 53.914000, -1.937000, BRADFORD},   {"BD6 1DE", 53.769000, -1.774000, BRADFORD},
    {"HX3 9QX", 53.710000, -1.835000, CALDERDALE},  {"HX2 0PJ", 53.724000, -1.903000, CALDERDALE},
    {"HX7 5HN", 53.730000, -1.982000, CALDERDALE},  {"HD6 3LA", 53.693000, -1.792000, CALDERDALE},
    {"OL14 7DS", 53.719000, -2.086000, CALDERDALE},
};
#define N_POSTCODES ((int)(sizeof POSTCODES / sizeof POSTCODES[0]))

static const struct fp_http_demo_account ACCOUNTS[] = {
    {"admin@demo.flexpool.test", "sysadmin", "System administrator"},
    {"icb@demo.flexpool.test", "commissioner", "Commissioner of the demo ICB"},
    {"pool@demo.flexpool.test", "pool_admin", "Administrator of the demo pool"},
    {"practice@demo.flexpool.test", "practice_manager", "Practice manager of a demo practice"},
    {"clinician001@demo.flexpool.test", "clinician", "A GP in the demo pool (clinician001 to clinician100 are GPs)"},
    {"clinician002@demo.flexpool.test", "clinician", "Another GP in the demo pool"},
};

const struct fp_http_demo_account *fp_demo_accounts(size_t *n) {
  *n = sizeof ACCOUNTS / sizeof ACCOUNTS[0];
  return ACCOUNTS;
}

const struct fp_demo_postcode *fp_demo_postcodes(size_t *n) {
  *n = (size_t)N_POSTCODES;
  return POSTCODES;
}

struct place_info {
  const char *ods, *name;
  const char *ods_prefix;   /* of its practices' codes */
  const char *phone_format; /* Ofcom's numbers reserved for drama: never a real line */
  int weight;               /* share of clinicians' homes and of added practices */
  const char *areas[24];    /* for the practices --shifts adds */
};

static const struct place_info PLACES[N_PLACES] = {
    {"15F", "Leeds", "B86", "0113 496 0%03d", 45,
     {"Meanwood", "Kirkstall", "Burley", "Woodhouse", "Alwoodley", "Oakwood", "Gipton", "Halton", "Whitkirk",
      "Hunslet", "Belle Isle", "Middleton", "Holbeck", "Farnley", "Wortley", "Calverley", "Rawdon", "Boston Spa",
      "Kippax", "Cookridge", "Drighlington", "Gildersome", "Oulton", "Scholes"}},
    {"36J", "Bradford District and Craven", "B83", "01632 960%03d", 35,
     {"Allerton", "Clayton", "Wyke", "Low Moor", "Eccleshill", "Thackley", "Apperley Bridge", "Wrose",
      "Frizinghall", "Girlington", "Lidget Green", "Bowling", "Tong", "Holme Wood", "Undercliffe", "Bolton Woods",
      "Cottingley", "Wilsden", "Denholme", "Cullingworth", "Steeton", "Oxenhope", "Menston", "Burley-in-Wharfedale"}},
    {"02T", "Calderdale", "B84", "01632 960%03d", 20,
     {"Ovenden", "Mixenden", "Pellon", "Siddal", "Skircoat", "Copley", "Luddenden", "Ripponden", "Mytholmroyd",
      "Shelf", "Hipperholme", "Lightcliffe", "Rastrick", "Stainland", "Holywell Green", "Walsden", "Cornholme",
      "Midgley", "Boothtown", "Warley", "Norton Tower", "Savile Park", "Triangle", "Barkisland"}},
};

static const char *const TOWNS[N_PLACES] = {"Leeds", "Bradford", "Halifax"};

struct pcn_info {
  const char *ods, *name;
  int place;
};

static const struct pcn_info PCNS[] = {
    {"U15523", "Leeds North West PCN", LEEDS},
    {"U34721", "Leeds Central and East PCN", LEEDS},
    {"U60248", "Leeds South and West PCN", LEEDS},
    {"U82116", "Bradford City PCN", BRADFORD},
    {"U47390", "Bradford West and Queensbury PCN", BRADFORD},
    {"U21685", "Airedale, Wharfedale and Craven PCN", BRADFORD},
    {"U93042", "Halifax Central PCN", CALDERDALE},
    {"U58817", "Calder and Ryburn Valleys PCN", CALDERDALE},
    {"U70364", "Brighouse, Elland and Greetland PCN", CALDERDALE},
};
#define N_PCNS ((int)(sizeof PCNS / sizeof PCNS[0]))

static const char *const SYSTEMS[] = {"SystmOne", "EMIS Web", "Vision"};
enum { S1, EMIS, VISION };

struct practice_info {
  const char *ods, *name, *address, *postcode;
  int pcn, system;
  bool in_pool;
};

/* The demo practice (practice@) is the first. */
static const struct practice_info PRACTICES[] = {
    {"B86017", "Cardigan Road Medical Practice", "41 Cardigan Road, Headingley, Leeds", "LS6 3BE", 0, S1, true},
    {"B86042", "Otley Road Surgery", "112 Otley Road, Far Headingley, Leeds", "LS16 5JX", 0, S1, true},
    {"B86055", "Adel Green Medical Centre", "2 Church Lane, Adel, Leeds", "LS16 8DE", 0, S1, true},
    {"B86068", "Horsforth Town Street Practice", "88 Town Street, Horsforth, Leeds", "LS18 4AP", 0, EMIS, true},
    {"B86081", "Wharfedale House Surgery", "7 Bridge Street, Otley", "LS21 1BQ", 0, S1, true},
    {"B86093", "Aireborough Family Practice", "15 High Street, Yeadon, Leeds", "LS19 7PP", 0, S1, true},
    {"B86003", "Park Square Medical Practice", "6 Park Square East, Leeds", "LS1 2NE", 1, S1, true},
    {"B86024", "Harehills Corner Surgery", "240 Roundhay Road, Harehills, Leeds", "LS8 5RL", 1, S1, true},
    {"B86031", "Chapeltown Health Centre Practice", "Spencer Place, Chapeltown, Leeds", "LS7 4BB", 1, EMIS, true},
    {"B86047", "Seacroft Green Surgery", "3 Seacroft Crescent, Seacroft, Leeds", "LS14 6NX", 1, S1, true},
    {"B86059", "Garforth Medical Centre", "Lidgett Lane, Garforth, Leeds", "LS25 1LJ", 1, S1, false},
    {"B86071", "Beeston Hill Surgery", "21 Cemetery Road, Beeston, Leeds", "LS11 8SZ", 2, S1, true},
    {"B86086", "Morley Fountain Practice", "9 Fountain Street, Morley, Leeds", "LS27 9EN", 2, S1, true},
    {"B86102", "Pudsey Lowtown Surgery", "54 Lowtown, Pudsey", "LS28 9AY", 2, EMIS, true},
    {"B86110", "Bramley Village Health Centre", "Town Street, Bramley, Leeds", "LS13 2ET", 2, S1, false},
    {"B83005", "Manningham Lane Medical Practice", "168 Manningham Lane, Bradford", "BD8 7HB", 3, S1, true},
    {"B83011", "Little Horton Surgery", "97 Little Horton Lane, Bradford", "BD5 0BQ", 3, S1, true},
    {"B83019", "Thornbury Medical Centre", "Leeds Old Road, Thornbury, Bradford", "BD3 8JX", 3, EMIS, true},
    {"B83026", "Great Horton Village Surgery", "402 Great Horton Road, Bradford", "BD7 4PA", 4, S1, true},
    {"B83033", "Heaton Moor Practice", "31 Highgate, Heaton, Bradford", "BD9 4BB", 4, S1, true},
    {"B83040", "Queensbury Health Centre Practice", "High Street, Queensbury, Bradford", "BD13 2AZ", 4, VISION, true},
    {"B83052", "Idle Village Surgery", "12 Town Lane, Idle, Bradford", "BD10 8PR", 4, S1, true},
    {"B83058", "Saltaire Road Medical Practice", "60 Saltaire Road, Shipley", "BD18 3HH", 5, S1, true},
    {"B83064", "Myrtle Place Surgery", "Myrtle Place, Bingley", "BD16 2TL", 5, EMIS, true},
    {"B83071", "Cavendish Street Practice", "25 Cavendish Street, Keighley", "BD21 3RQ", 5, S1, true},
    {"B83077", "Haworth West Lane Surgery", "West Lane, Haworth, Keighley", "BD22 8DU", 5, S1, false},
    {"B83083", "The Grove Practice", "14 The Grove, Ilkley", "LS29 9EE", 5, EMIS, true},
    {"B84003", "Horton Street Surgery", "Horton Street, Halifax", "HX1 1QE", 6, EMIS, true},
    {"B84009", "King Cross Medical Practice", "210 King Cross Road, Halifax", "HX1 3LN", 6, S1, true},
    {"B84014", "Northowram Surgery", "Towngate, Northowram, Halifax", "HX3 7DX", 6, EMIS, true},
    {"B84020", "Illingworth Moor Practice", "Keighley Road, Illingworth, Halifax", "HX2 9LL", 6, EMIS, true},
    {"B84027", "Wharf Street Surgery", "Wharf Street, Sowerby Bridge", "HX6 2AF", 7, S1, true},
    {"B84033", "Hebden Bridge Valley Practice", "Hangingroyd Lane, Hebden Bridge", "HX7 7DD", 7, EMIS, true},
    {"B84039", "Rose Street Surgery", "Rose Street, Todmorden", "OL14 5AT", 7, VISION, true},
    {"B84045", "Bethel Street Practice", "Bethel Street, Brighouse", "HD6 1JN", 8, EMIS, true},
    {"B84052", "Southgate Surgery", "Southgate, Elland", "HX5 0BW", 8, S1, true},
    {"B84058", "Greetland Village Practice", "Rochdale Road, Greetland, Halifax", "HX4 8HD", 8, S1, false},
};
#define N_BASE_PRACTICES ((int)(sizeof PRACTICES / sizeof PRACTICES[0]))

static const char *const PRACTICE_SUFFIXES[] = {"Medical Centre", "Surgery", "Health Centre", "Medical Practice",
                                                "Family Practice", "Group Practice"};
static const char *const STREETS[] = {"Main Street", "Station Road", "Church Lane", "High Street", "Town Street",
                                      "Moor Lane", "Green Lane", "Park Road", "Victoria Road", "Mill Lane",
                                      "Chapel Street", "Westfield Road"};

/*
 * England's 41 other ICBs, for a national-scale --shifts: the demo ICB keeps at most ICB_PRACTICES
 * practices (West Yorkshire has about that many); the practices past them go to these in turn, so
 * that 5,000,000 shifts (12,500 practices) spread over 42 ICBs of about 300 as England's 6,300
 * practices do over its 42. Each has one place, PCNs of eight practices and its own pool, around a
 * town centre's postcode (added to the postcode table; the demo's WY postcodes stay the documented
 * ones). The documented clinicians are the demo pool's, so another ICB's shifts stay unbooked: open,
 * or withdrawn once started. Codes and places are ODS-shaped, not looked up.
 */
#define ICB_PRACTICES 300
#define OTHER_ICB_PCN_SIZE 8
static const struct other_icb {
  const char *ods, *name, *area, *town, *postcode;
  double lat, lon;
} OTHER_ICBS[] = {
    {"QE1", "NHS Lancashire and South Cumbria ICB", "Lancashire and South Cumbria", "Preston", "PR1 2HE", 53.759, -2.699},
    {"QF7", "NHS South Yorkshire ICB", "South Yorkshire", "Sheffield", "S1 2HE", 53.381, -1.470},
    {"QH8", "NHS Mid and South Essex ICB", "Mid and South Essex", "Chelmsford", "CM1 1XH", 51.736, 0.469},
    {"QHG", "NHS Bedfordshire, Luton and Milton Keynes ICB", "Bedfordshire, Luton and Milton Keynes", "Luton",
     "LU1 2LJ", 51.879, -0.417},
    {"QHL", "NHS Birmingham and Solihull ICB", "Birmingham and Solihull", "Birmingham", "B1 1BB", 52.479, -1.903},
    {"QHM", "NHS North East and North Cumbria ICB", "North East and North Cumbria", "Newcastle upon Tyne", "NE1 7RU",
     54.974, -1.614},
    {"QJ2", "NHS Derby and Derbyshire ICB", "Derby and Derbyshire", "Derby", "DE1 2FS", 52.922, -1.476},
    {"QJG", "NHS Suffolk and North East Essex ICB", "Suffolk and North East Essex", "Ipswich", "IP1 1DH", 52.057,
     1.148},
    {"QJK", "NHS Devon ICB", "Devon", "Exeter", "EX1 1HS", 50.726, -3.527},
    {"QJM", "NHS Lincolnshire ICB", "Lincolnshire", "Lincoln", "LN1 1YL", 53.230, -0.540},
    {"QK1", "NHS Leicester, Leicestershire and Rutland ICB", "Leicester, Leicestershire and Rutland", "Leicester",
     "LE1 5YA", 52.636, -1.133},
    {"QKK", "NHS South East London ICB", "South East London", "London", "SE1 7EH", 51.503, -0.093},
    {"QKS", "NHS Kent and Medway ICB", "Kent and Medway", "Maidstone", "ME14 1XX", 51.272, 0.522},
    {"QM7", "NHS Hertfordshire and West Essex ICB", "Hertfordshire and West Essex", "Welwyn Garden City", "AL8 6AE",
     51.801, -0.204},
    {"QMF", "NHS North East London ICB", "North East London", "London", "E15 1AZ", 51.542, -0.003},
    {"QMJ", "NHS North Central London ICB", "North Central London", "London", "NW1 2DB", 51.528, -0.133},
    {"QMM", "NHS Norfolk and Waveney ICB", "Norfolk and Waveney", "Norwich", "NR1 3JU", 52.628, 1.293},
    {"QNC", "NHS Staffordshire and Stoke-on-Trent ICB", "Staffordshire and Stoke-on-Trent", "Stafford", "ST16 2LP",
     52.806, -2.117},
    {"QNQ", "NHS Frimley ICB", "Frimley", "Camberley", "GU15 3SY", 51.337, -0.742},
    {"QNX", "NHS Sussex ICB", "Sussex", "Brighton", "BN1 1UB", 50.822, -0.137},
    {"QOC", "NHS Shropshire, Telford and Wrekin ICB", "Shropshire, Telford and Wrekin", "Shrewsbury", "SY1 1PB",
     52.708, -2.754},
    {"QOP", "NHS Greater Manchester ICB", "Greater Manchester", "Manchester", "M1 1AE", 53.479, -2.243},
    {"QOQ", "NHS Humber and North Yorkshire ICB", "Humber and North Yorkshire", "Hull", "HU1 1HN", 53.744, -0.332},
    {"QOX", "NHS Bath and North East Somerset, Swindon and Wiltshire ICB", "Bath, Swindon and Wiltshire",
     "Chippenham", "SN15 1EJ", 51.458, -2.117},
    {"QPM", "NHS Northamptonshire ICB", "Northamptonshire", "Northampton", "NN1 1DE", 52.237, -0.895},
    {"QR1", "NHS Gloucestershire ICB", "Gloucestershire", "Gloucester", "GL1 1SS", 51.864, -2.244},
    {"QRL", "NHS Hampshire and Isle of Wight ICB", "Hampshire and Isle of Wight", "Southampton", "SO14 7DW", 50.904,
     -1.404},
    {"QRV", "NHS North West London ICB", "North West London", "London", "W2 1NY", 51.517, -0.177},
    {"QSL", "NHS Somerset ICB", "Somerset", "Taunton", "TA1 1DH", 51.015, -3.103},
    {"QT1", "NHS Nottingham and Nottinghamshire ICB", "Nottingham and Nottinghamshire", "Nottingham", "NG1 5FW",
     52.954, -1.150},
    {"QT6", "NHS Cornwall and the Isles of Scilly ICB", "Cornwall and the Isles of Scilly", "Truro", "TR1 2HE",
     50.263, -5.051},
    {"QU9", "NHS Buckinghamshire, Oxfordshire and Berkshire West ICB", "Buckinghamshire, Oxfordshire and Berkshire West",
     "Oxford", "OX1 1HS", 51.752, -1.258},
    {"QUA", "NHS Black Country ICB", "Black Country", "Wolverhampton", "WV1 1SH", 52.586, -2.129},
    {"QUE", "NHS Cambridgeshire and Peterborough ICB", "Cambridgeshire and Peterborough", "Cambridge", "CB2 3QJ",
     52.205, 0.119},
    {"QUY", "NHS Bristol, North Somerset and South Gloucestershire ICB", "Bristol, North Somerset and South Gloucestershire",
     "Bristol", "BS1 4DJ", 51.454, -2.588},
    {"QVV", "NHS Dorset ICB", "Dorset", "Dorchester", "DT1 1XJ", 50.715, -2.437},
    {"QWE", "NHS South West London ICB", "South West London", "Kingston upon Thames", "KT1 1EU", 51.410, -0.300},
    {"QWU", "NHS Coventry and Warwickshire ICB", "Coventry and Warwickshire", "Coventry", "CV1 5FB", 52.408, -1.510},
    {"QXU", "NHS Surrey Heartlands ICB", "Surrey Heartlands", "Guildford", "GU1 4LH", 51.236, -0.571},
    {"QYG", "NHS Cheshire and Merseyside ICB", "Cheshire and Merseyside", "Liverpool", "L1 8JQ", 53.408, -2.991},
    {"QGH", "NHS Herefordshire and Worcestershire ICB", "Herefordshire and Worcestershire", "Worcester", "WR1 2ES",
     52.193, -2.221},
};
#define N_OTHER_ICBS ((int)(sizeof OTHER_ICBS / sizeof OTHER_ICBS[0]))
_Static_assert(N_OTHER_ICBS == 41, "England has 42 ICBs: West Yorkshire and 41 others");

static const char *const FIRST_NAMES[] = {
    "Aisha", "Imran", "Sarah", "James", "Priya", "Mohammed", "Emily", "Tomasz", "Grace", "Oliver", "Fatima",
    "Daniel", "Hannah", "Rajesh", "Chloe", "Yusuf", "Rebecca", "Adeel", "Sophie", "Kwame", "Laura", "Hamza",
    "Joanna", "Samuel", "Nadia", "Matthew", "Zainab", "Rachel", "Bilal", "Eleanor", "Chukwuemeka", "Katie",
    "Arjun", "Megan", "Saima", "Thomas", "Agnieszka", "Liam", "Amara", "Harriet", "Farhan", "Lucy", "Deepak",
    "Ruth", "Osman", "Charlotte", "Mei", "Andrew", "Rukhsana", "Ben", "Ioana", "Simon", "Shabana", "Catherine",
    "Tariq", "Jessica", "Olumide", "Joanne", "Asif", "Rosie", "Nkechi", "David", "Sana", "Philippa", "Waqar",
    "Emma", "Siobhan", "Ravi", "Naomi", "Ahmed", "Kirsty", "Marek", "Abigail", "Usman", "Fiona"};
static const char *const SURNAMES[] = {
    "Khan", "Hussain", "Smith", "Patel", "Ahmed", "Brown", "Wilson", "Akhtar", "Taylor", "Shah", "Robinson",
    "Walker", "Iqbal", "Thompson", "Ali", "Wood", "Hughes", "Begum", "Clarke", "Mahmood", "Jackson", "Okafor",
    "Kowalski", "Nowak", "Singh", "Kaur", "Hall", "Green", "Mirza", "Turner", "Rashid", "Holmes", "Adeyemi",
    "Chaudhry", "Bennett", "Lee", "Chen", "Sutcliffe", "Ackroyd", "Barraclough", "Haigh", "Mistry", "Sharma",
    "Popescu", "O'Brien", "Murphy", "Evans", "Mensah", "Nwosu", "Butt", "Qureshi", "Dawson", "Firth",
    "Greenwood", "Jowett", "Lister", "Kapoor", "Desai", "Ogunleye", "Fraser"};
#define N_FIRST ((int)(sizeof FIRST_NAMES / sizeof FIRST_NAMES[0]))
#define N_SURNAMES ((int)(sizeof SURNAMES / sizeof SURNAMES[0]))

/* Shift roles: share of shifts, hourly range (pence), what the session involves. */
struct role_info {
  const char *code;
  int weight;
  int hourly_lo, hourly_hi;
  const char *remote; /* what a remote session involves; NULL: always on site */
  const char *what[3];
};

static const struct role_info ROLES[] = {
    {"gp", 700, 7000, 9500, "Remote telephone and video triage of on-the-day requests; online consultations to action.",
     {"GP surgery: 10-minute face-to-face and telephone appointments, with a catch-up slot mid-session.",
      "Duty doctor: triage of on-the-day requests and one or two home visits (a car is needed).",
      "Routine GP surgery: 15-minute appointments, then results and prescriptions to action."}},
    {"nurse", 100, 3000, 4200, NULL,
     {"Practice nurse clinic: asthma and diabetes reviews, cervical screening.",
      "Childhood immunisations and travel vaccinations.",
      "Long-term conditions clinic: hypertension and COPD reviews, spirometry."}},
    {"pharmacist", 50, 4000, 5500,
     "Remote medication reviews by telephone and video; access to the clinical system is set up beforehand.",
     {"Structured medication reviews for care-home residents.",
      "Medicines optimisation: hospital discharge letters and repeat prescribing queries.",
      "Polypharmacy reviews for frail patients, 20-minute appointments."}},
    {"physician_associate", 30, 4200, 5200, NULL,
     {"Same-day minor illness clinic under the duty GP's supervision.",
      "Acute appointments for adults, supervised by the duty GP.",
      "Minor illness and minor injury clinic, 15-minute appointments."}},
    {"paramedic", 30, 3800, 5000, NULL,
     {"Home visits to housebound patients across the PCN; a practice car is provided.",
      "Urgent same-day visits and care-home ward round.",
      "Acute home visits; a practice car is provided."}},
    {"physiotherapist", 30, 3500, 4600, NULL,
     {"First-contact MSK clinic: 20-minute appointments.",
      "First-contact physiotherapy for back, neck and joint pain.",
      "MSK clinic with telephone follow-ups."}},
    {"healthcare_assistant", 30, 1400, 1900, NULL,
     {"Phlebotomy, blood pressure checks and ECGs.",
      "NHS Health Checks, 30-minute appointments.",
      "Phlebotomy clinic and new patient checks."}},
    {"nursing_associate", 10, 2000, 2600, NULL,
     {"Wound care and dressings clinic, B12 injections.",
      "Leg ulcer and dressings clinic.",
      "Vaccination clinic and dressings."}},
    {"pharmacy_technician", 10, 2100, 2800, "Remote repeat prescribing and medicines reconciliation.",
     {"Medicines reconciliation after hospital discharge.",
      "Repeat prescribing and medication queries.",
      "Inhaler technique checks and medicines reconciliation."}},
    {"mental_health_practitioner", 10, 3000, 4000, "Remote mental health appointments by video, 30 minutes each.",
     {"First-contact mental health appointments, 30 minutes each.",
      "Mental health assessments and signposting, 30-minute appointments.",
      "Anxiety and low mood clinic, 30-minute appointments."}},
};
#define N_ROLES ((int)(sizeof ROLES / sizeof ROLES[0]))

/* Clinicians 101-150: profession, and where they stand with the pool. */
enum pool_standing { MEMBER, PENDING, DECLINED, NO_POOL, DEACTIVATED };
struct other_clinician {
  const char *profession;
  enum pool_standing standing;
};
static const struct other_clinician OTHERS[] = {
    /* 101-114 */
    {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER},
    {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER},
    {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER}, {"nurse", MEMBER},
    /* 115-120 */
    {"pharmacist", MEMBER}, {"pharmacist", MEMBER}, {"pharmacist", MEMBER}, {"pharmacist", MEMBER},
    {"pharmacist", MEMBER}, {"pharmacist", MEMBER},
    /* 121-132 */
    {"paramedic", MEMBER}, {"paramedic", MEMBER}, {"paramedic", MEMBER}, {"paramedic", MEMBER},
    {"physiotherapist", MEMBER}, {"physiotherapist", MEMBER}, {"physiotherapist", MEMBER},
    {"physiotherapist", MEMBER}, {"physician_associate", MEMBER}, {"physician_associate", MEMBER},
    {"physician_associate", MEMBER}, {"physician_associate", MEMBER},
    /* 133-140 */
    {"healthcare_assistant", MEMBER}, {"healthcare_assistant", MEMBER}, {"healthcare_assistant", MEMBER},
    {"healthcare_assistant", MEMBER}, {"nursing_associate", MEMBER}, {"nursing_associate", MEMBER},
    {"pharmacy_technician", MEMBER}, {"mental_health_practitioner", MEMBER},
    /* 141-145: asked to join, not answered yet */
    {"nurse", PENDING}, {"pharmacist", PENDING}, {"paramedic", PENDING},
    {"social_prescribing_link_worker", PENDING}, {"physiotherapist", PENDING},
    /* 146-148: in no pool */
    {"nurse", DECLINED}, {"dietitian", NO_POOL}, {"occupational_therapist", NO_POOL},
    /* 149-150: members whose accounts were deactivated */
    {"nurse", DEACTIVATED}, {"pharmacist", DEACTIVATED},
};

#define N_GPS 100
#define N_CLINICIANS (N_GPS + (int)(sizeof OTHERS / sizeof OTHERS[0]))
_Static_assert(N_CLINICIANS == FP_DEMO_CLINICIANS, "the README documents clinician001 to clinician150");
/* clinician001-010 have history only (past bookings): an open GP shift never clashes with one of theirs. */
#define N_HISTORY_ONLY 10

/* The state of the load. --------------------------------------------------------------------- */

struct demo_practice {
  int64_t id;
  int icb;            /* 0: the demo ICB; k > 0: OTHER_ICBS[k - 1] */
  int64_t icb_id, pool_id;
  int place, pcn;     /* in the demo ICB */
  double lat, lon;
  bool in_pool;
  int series_weekday; /* 1-5 (Monday-Friday): the day of its weekly GP morning series; 0 none */
  int64_t series_id;
};

struct demo_clinician {
  int64_t user_id, id;
  const char *profession;
  int role;           /* index into ROLES, -1 when no shift role matches */
  int place;
  bool active, in_pool, history_only;
};

struct demo {
  struct fp_conn *c;
  int64_t now;
  long wanted;        /* shifts asked for; 0: the four-week demo */
  int history_weeks;  /* --history-weeks: how far back the shifts asked for begin (0: one week) */
  long n_wanted_clinicians; /* clinicians asked for in all (--clinicians); the ones past N_CLINICIANS are generated */
  struct rng rng;
  const char *hash;   /* the one password hash every account shares */

  int64_t icb_id, place_ids[N_PLACES], pcn_ids[N_PCNS], pool_id;
  struct {
    int64_t icb_id, place_id, pool_id, pcn_id; /* pcn_id: the PCN its next practice joins */
    int n_practices;
  } others[N_OTHER_ICBS]; /* made as their first practice is */
  int n_other_icbs, n_other_pcns;
  int y_code;         /* the next Y-code of an added practice */
  int64_t admin_user, commissioner_user, pool_admin_user, manager_user;

  struct demo_practice *practices;
  int n_practices;
  int demo_practice;  /* index of practice@'s practice */

  struct demo_clinician clinicians[N_CLINICIANS];
  /* The generated clinicians who are active pool members (--clinicians), for availability and alerts. */
  int64_t *gen_ids;
  const char **gen_professions;
  size_t n_gen, cap_gen;
  int cand[N_ROLES][N_CLINICIANS]; /* pool members, active, by role */
  int n_cand[N_ROLES];

  fp_day first_day;
  int n_days;
  uint8_t *busy;      /* [clinician][day]: SLOT_AM | SLOT_PM booked */
  int cycle_future, cycle_past, cycle_role;
  long per_day_x100;  /* --shifts: mean shifts per practice per weekday, times 100 */

  /* What was made, for the summary and the audit record. */
  long n_users, n_shifts, n_bookings, n_applications;
  long by_status[5];
  long n_demo_week;   /* the demo practice's sessions ended in the last week, so far (add_timesheet) */
};

/* A string builder for the profile JSON. */
struct sb {
  char buf[4096];
  size_t len;
};

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *b, const char *fmt, ...) {
  if (b->len >= sizeof b->buf) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->buf + b->len, sizeof b->buf - b->len, fmt, ap);
  va_end(ap);
  if (n > 0) b->len += (size_t)n;
  if (b->len >= sizeof b->buf) b->len = sizeof b->buf - 1;
}

/* Appends s as a JSON string. */
static void sb_str(struct sb *b, const char *s) {
  sb_add(b, "\"");
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') sb_add(b, "\\%c", ch);
    else if (ch < 0x20) sb_add(b, "\\u%04x", ch);
    else sb_add(b, "%c", ch);
  }
  sb_add(b, "\"");
}

/* A postcode of the place chosen at random, practice or home. */
static const struct fp_demo_postcode *postcode_in(struct demo *d, int place) {
  for (;;) {
    const struct fp_demo_postcode *p = &POSTCODES[rnd(&d->rng, 0, N_POSTCODES - 1)];
    if (p->place == place) return p;
  }
}

static int place_weighted(struct demo *d) {
  int w[N_PLACES];
  for (int i = 0; i < N_PLACES; i++) w[i] = PLACES[i].weight;
  return weighted(&d->rng, w, N_PLACES);
}

static int role_index(const char *code) {
  for (int i = 0; i < N_ROLES; i++)
    if (strcmp(ROLES[i].code, code) == 0) return i;
  return -1;
}

/* Postcodes. -------------------------------------------------------------------------------- */

static int demo_postcodes(struct demo *d) {
  for (int i = 0; i < N_POSTCODES; i++) {
    int rc = fp_store_demo_postcode_add(d->c, POSTCODES[i].postcode, POSTCODES[i].lat, POSTCODES[i].lon);
    if (rc) return rc;
  }
  return 0;
}

/* Organisations: the ICB, its places, PCNs and practices. ----------------------------------- */

/* The demo postcode nearest to the organisation's location other than its own, within 4 km; or NULL. */
static const struct fp_demo_postcode *nearest_other_postcode(const struct fp_org *o) {
  const struct fp_demo_postcode *best = NULL;
  double best_km = 4.0;
  for (int i = 0; i < N_POSTCODES; i++) {
    if (strcmp(POSTCODES[i].postcode, o->postcode) == 0) continue;
    double km = fp_distance_km(o->lat, o->lon, POSTCODES[i].lat, POSTCODES[i].lon);
    if (km < best_km) {
      best_km = km;
      best = &POSTCODES[i];
    }
  }
  return best;
}

static void practice_profile(struct demo *d, const struct fp_org *o, int place, int system, struct sb *b) {
  static const char *const PARKING[] = {
      "Free car park behind the surgery; two spaces marked for visiting clinicians.",
      "Small staff car park (ask reception for the gate code); otherwise pay-and-display on the street.",
      "No on-site parking: use the council car park two minutes away; the practice refunds the ticket.",
      "Permit parking on the surrounding streets; reception lends a visitor permit for the day.",
  };
  static const char *const CONTACTS[] = {"the practice manager", "the duty doctor", "the reception team leader",
                                         "the assistant practice manager"};
  int minutes = chance(&d->rng, 60) ? 10 : 15;
  sb_add(b, "{\"sites\":[{\"name\":\"Main surgery\",\"address\":");
  sb_str(b, o->address);
  sb_add(b, ",\"postcode\":");
  sb_str(b, o->postcode);
  sb_add(b, "}");
  const struct fp_demo_postcode *branch = chance(&d->rng, 30) ? nearest_other_postcode(o) : NULL;
  if (branch) {
    /* A branch surgery in the same town: the main address's last part. */
    const char *town = strrchr(o->address, ',');
    town = town ? town + 2 : TOWNS[place];
    char addr[160];
    snprintf(addr, sizeof addr, "%d %s, %s", (int)rnd(&d->rng, 2, 180), STREETS[rnd(&d->rng, 0, 11)], town);
    sb_add(b, ",{\"name\":\"Branch surgery\",\"address\":");
    sb_str(b, addr);
    sb_add(b, ",\"postcode\":");
    sb_str(b, branch->postcode);
    sb_add(b, "}");
  }
  sb_add(b, "],\"parking\":");
  sb_str(b, PARKING[rnd(&d->rng, 0, 3)]);
  sb_add(b, ",\"clinical_system\":");
  sb_str(b, SYSTEMS[system]);
  sb_add(b, ",\"appointment_minutes\":%d,\"induction\":", minutes);
  char text[600];
  snprintf(text, sizeof text,
           "Welcome to %s. Please arrive 15 minutes early for a short induction: the fire exits and alarm, the "
           "panic button in each room, where the emergency drugs, defibrillator and oxygen are kept, and how "
           "tasks and referrals are sent in %s. Appointments are %d minutes; the duty doctor takes any extras. "
           "Local formulary and referral pathways are on the desktop of every clinical room.",
           o->name, SYSTEMS[system], minutes);
  sb_str(b, text);
  sb_add(b, ",\"contact_on_arrival\":");
  snprintf(text, sizeof text, "Ask at reception for %s (%s).", CONTACTS[rnd(&d->rng, 0, 3)], o->phone);
  sb_str(b, text);
  sb_add(b, ",\"it_access\":");
  snprintf(text, sizeof text,
           system == S1 ? "Bring your NHS smartcard: %s access is set up on the day with the locum role. Wi-Fi "
                          "details are in the clinical room."
           : system == EMIS ? "Bring your NHS smartcard. Send your name and smartcard number to the practice a "
                              "week before your first session so that an %s account is ready."
                            : "Bring your NHS smartcard; reception issues a %s login and a prescribing card "
                              "on the day.",
           SYSTEMS[system]);
  sb_str(b, text);
  sb_add(b, "}");
}

/* Where a practice belongs: its ICB (0: the demo's; k: OTHER_ICBS[k - 1]), PCN and pool. */
struct practice_home {
  int icb, place, pcn; /* place and pcn: the demo ICB's */
  int64_t pcn_id, icb_id;
  int jitter_x10000;   /* how far from the postcode it may lie, in 1/10,000 degree of latitude */
};

static int insert_practice(struct demo *d, struct fp_org *o, const struct practice_home *h, int system, bool in_pool,
                           const char *postcode) {
  struct sb b = {.len = 0};
  int n = d->n_practices, place = h->place;
  snprintf(o->level, sizeof o->level, "practice");
  o->parent_id = h->pcn_id;
  o->icb_id = h->icb_id;
  snprintf(o->postcode, sizeof o->postcode, "%s", postcode);
  snprintf(o->phone, sizeof o->phone, PLACES[place].phone_format, n % 1000);
  snprintf(o->email, sizeof o->email, "%s.reception" DOMAIN, o->ods_code);
  for (char *p = o->email; *p; p++)
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  /* The location is copied from the postcode table (which keeps an imported real row). */
  double lat = 0, lon = 0;
  int rc = fp_store_postcode_get(d->c, postcode, &lat, &lon);
  if (rc) return rc;
  if (h->jitter_x10000) {
    /* An added practice lies within a couple of kilometres of the town's postcode (another ICB's
       within its area). */
    int j = h->jitter_x10000;
    lat += (double)rnd(&d->rng, -j, j) / 10000.0;
    lon += (double)rnd(&d->rng, -j * 5 / 3, j * 5 / 3) / 10000.0;
  }
  o->has_location = true;
  o->lat = lat;
  o->lon = lon;
  o->active = true;
  practice_profile(d, o, place, system, &b);
  if (b.len >= sizeof b.buf - 1) return FP_ETOOBIG; /* truncated: not JSON any more */
  o->profile = b.buf;
  o->profile_complete = true; /* practice_profile gives the clinical system, the induction and the contact */
  struct demo_practice *p = &d->practices[n];
  rc = fp_store_org_insert(d->c, o, d->now - 400 * (int64_t)DAY, &p->id);
  o->profile = NULL;
  if (rc) return rc;
  p->icb = h->icb;
  p->icb_id = h->icb_id;
  p->place = place;
  p->pcn = h->pcn;
  p->lat = lat;
  p->lon = lon;
  p->in_pool = in_pool;
  p->series_weekday = in_pool && n % 3 == 0 ? 1 + n / 3 % 5 : 0;
  d->n_practices++;
  return 0;
}

/* Practices --shifts adds: ODS-shaped codes, near the real towns. */
static int insert_added_practices(struct demo *d, int total) {
  int per_place[N_PLACES] = {0};
  int anchors[N_PLACES][N_BASE_PRACTICES], n_anchors[N_PLACES] = {0};
  for (int i = 0; i < N_BASE_PRACTICES; i++) {
    int place = PCNS[PRACTICES[i].pcn].place;
    anchors[place][n_anchors[place]++] = i;
  }
  while (d->n_practices < total && d->n_practices < ICB_PRACTICES) {
    int place = place_weighted(d);
    int k = per_place[place]++;
    const struct practice_info *anchor = &PRACTICES[anchors[place][k % n_anchors[place]]];
    struct fp_org o;
    memset(&o, 0, sizeof o);
    /* 600-999 after the place's usual prefix, then Y codes. */
    if (k < 400) snprintf(o.ods_code, sizeof o.ods_code, "%s%03d", PLACES[place].ods_prefix, 600 + k);
    else snprintf(o.ods_code, sizeof o.ods_code, "Y%05d", d->y_code++);
    const char *area = PLACES[place].areas[k % 24];
    int n_suffix = (int)(sizeof PRACTICE_SUFFIXES / sizeof PRACTICE_SUFFIXES[0]);
    int round = k / 24;
    if (round < n_suffix) snprintf(o.name, sizeof o.name, "%s %s", area, PRACTICE_SUFFIXES[round]);
    else snprintf(o.name, sizeof o.name, "%s %s %d", area, PRACTICE_SUFFIXES[round % n_suffix], round / n_suffix + 1);
    snprintf(o.address, sizeof o.address, "%d %s, %s, %s", (int)rnd(&d->rng, 1, 240), STREETS[rnd(&d->rng, 0, 11)],
             area, TOWNS[place]);
    int pcn = 0;
    for (int i = 0, seen = 0; i < N_PCNS; i++) {
      if (PCNS[i].place != place) continue;
      if (seen++ == k % 3) pcn = i;
    }
    int sys_w[] = {place == CALDERDALE ? 40 : 75, place == CALDERDALE ? 55 : 22, 3};
    struct practice_home h = {.place = place, .pcn = pcn, .pcn_id = d->pcn_ids[pcn], .icb_id = d->icb_id,
                              .jitter_x10000 = 120};
    int rc = insert_practice(d, &o, &h, weighted(&d->rng, sys_w, 3), chance(&d->rng, 90), anchor->postcode);
    if (rc) return rc;
  }
  return 0;
}

/* Another ICB (OTHER_ICBS[k]): the ICB, its one place and its town's postcode (its pool: demo_pool). */
static int insert_other_icb(struct demo *d, int k) {
  const struct other_icb *oi = &OTHER_ICBS[k];
  int64_t created = d->now - 400 * (int64_t)DAY;
  int rc = fp_store_demo_postcode_add(d->c, oi->postcode, oi->lat, oi->lon);
  struct fp_org o;
  memset(&o, 0, sizeof o);
  snprintf(o.level, sizeof o.level, "icb");
  snprintf(o.ods_code, sizeof o.ods_code, "%s", oi->ods);
  snprintf(o.name, sizeof o.name, "%s", oi->name);
  snprintf(o.postcode, sizeof o.postcode, "%s", oi->postcode);
  o.active = true;
  if (!rc) rc = fp_store_org_insert(d->c, &o, created, &d->others[k].icb_id);
  memset(&o, 0, sizeof o);
  snprintf(o.level, sizeof o.level, "place");
  snprintf(o.ods_code, sizeof o.ods_code, "%02dX", k + 1);
  snprintf(o.name, sizeof o.name, "%s", oi->area);
  o.parent_id = o.icb_id = d->others[k].icb_id;
  o.active = true;
  if (!rc) rc = fp_store_org_insert(d->c, &o, created, &d->others[k].place_id);
  if (!rc) d->n_other_icbs++;
  return rc;
}

/* The practices past the demo ICB's ICB_PRACTICES, to the other ICBs in turn. */
static int insert_other_practices(struct demo *d, int total) {
  int n_suffix = (int)(sizeof PRACTICE_SUFFIXES / sizeof PRACTICE_SUFFIXES[0]);
  for (int j = 0; d->n_practices < total; j++) {
    int k = j % N_OTHER_ICBS, rc;
    const struct other_icb *oi = &OTHER_ICBS[k];
    if (!d->others[k].icb_id && (rc = insert_other_icb(d, k)) != 0) return rc;
    int i = d->others[k].n_practices++;
    if (i % OTHER_ICB_PCN_SIZE == 0) {
      struct fp_org pcn;
      memset(&pcn, 0, sizeof pcn);
      snprintf(pcn.level, sizeof pcn.level, "pcn");
      snprintf(pcn.ods_code, sizeof pcn.ods_code, "U%05d", ++d->n_other_pcns % 100000);
      snprintf(pcn.name, sizeof pcn.name, "%s %s PCN", oi->town, STREETS[i / OTHER_ICB_PCN_SIZE % 12]);
      if (i / OTHER_ICB_PCN_SIZE >= 12)
        snprintf(pcn.name, sizeof pcn.name, "%s %s PCN %d", oi->town, STREETS[i / OTHER_ICB_PCN_SIZE % 12],
                 i / OTHER_ICB_PCN_SIZE / 12 + 1);
      pcn.parent_id = d->others[k].place_id;
      pcn.icb_id = d->others[k].icb_id;
      pcn.active = true;
      if ((rc = fp_store_org_insert(d->c, &pcn, d->now - 400 * (int64_t)DAY, &d->others[k].pcn_id)) != 0) return rc;
    }
    struct fp_org o;
    memset(&o, 0, sizeof o);
    snprintf(o.ods_code, sizeof o.ods_code, "Y%05d", d->y_code++);
    const char *street = STREETS[i % 12];
    const char *suffix = PRACTICE_SUFFIXES[i / 12 % n_suffix];
    if (i < 12 * n_suffix) snprintf(o.name, sizeof o.name, "%s %s", street, suffix);
    else snprintf(o.name, sizeof o.name, "%s %s %d", street, suffix, i / (12 * n_suffix) + 1);
    snprintf(o.address, sizeof o.address, "%d %s, %s", (int)rnd(&d->rng, 1, 240), street, oi->town);
    struct practice_home h = {.icb = k + 1, .pcn_id = d->others[k].pcn_id, .icb_id = d->others[k].icb_id,
                              .jitter_x10000 = 800};
    int sys_w[] = {55, 42, 3};
    if ((rc = insert_practice(d, &o, &h, weighted(&d->rng, sys_w, 3), chance(&d->rng, 90), oi->postcode)) != 0)
      return rc;
  }
  return 0;
}

static int demo_organisations(struct demo *d) {
  int64_t created = d->now - 400 * (int64_t)DAY;
  struct fp_org o;
  memset(&o, 0, sizeof o);
  snprintf(o.level, sizeof o.level, "icb");
  snprintf(o.ods_code, sizeof o.ods_code, "QWO");
  snprintf(o.name, sizeof o.name, "NHS West Yorkshire ICB");
  snprintf(o.address, sizeof o.address, "White Rose House, West Parade, Wakefield");
  snprintf(o.postcode, sizeof o.postcode, "WF1 1LT");
  snprintf(o.email, sizeof o.email, "flexible.staffing" DOMAIN);
  o.active = true;
  int rc = fp_store_org_insert(d->c, &o, created, &d->icb_id);
  if (rc) return rc;
  for (int i = 0; i < N_PLACES; i++) {
    memset(&o, 0, sizeof o);
    snprintf(o.level, sizeof o.level, "place");
    snprintf(o.ods_code, sizeof o.ods_code, "%s", PLACES[i].ods);
    snprintf(o.name, sizeof o.name, "%s", PLACES[i].name);
    o.parent_id = o.icb_id = d->icb_id;
    o.active = true;
    if ((rc = fp_store_org_insert(d->c, &o, created, &d->place_ids[i])) != 0) return rc;
  }
  for (int i = 0; i < N_PCNS; i++) {
    memset(&o, 0, sizeof o);
    snprintf(o.level, sizeof o.level, "pcn");
    snprintf(o.ods_code, sizeof o.ods_code, "%s", PCNS[i].ods);
    snprintf(o.name, sizeof o.name, "%s", PCNS[i].name);
    o.parent_id = d->place_ids[PCNS[i].place];
    o.icb_id = d->icb_id;
    o.active = true;
    if ((rc = fp_store_org_insert(d->c, &o, created, &d->pcn_ids[i])) != 0) return rc;
  }
  for (int i = 0; i < N_BASE_PRACTICES; i++) {
    const struct practice_info *pi = &PRACTICES[i];
    memset(&o, 0, sizeof o);
    snprintf(o.ods_code, sizeof o.ods_code, "%s", pi->ods);
    snprintf(o.name, sizeof o.name, "%s", pi->name);
    snprintf(o.address, sizeof o.address, "%s", pi->address);
    struct practice_home h = {.place = PCNS[pi->pcn].place, .pcn = pi->pcn, .pcn_id = d->pcn_ids[pi->pcn],
                              .icb_id = d->icb_id};
    rc = insert_practice(d, &o, &h, pi->system, pi->in_pool, pi->postcode);
    if (rc) return rc;
  }
  d->demo_practice = 0;
  if (d->wanted > 0) {
    long total = (d->wanted + 399) / 400;
    if (total < N_BASE_PRACTICES) total = N_BASE_PRACTICES;
    rc = insert_added_practices(d, (int)total);
    if (!rc) rc = insert_other_practices(d, (int)total);
    return rc;
  }
  return 0;
}

/* The pool, hosted by the ICB, at the indicative rates. ------------------------------------- */

static int demo_pool(struct demo *d) {
  int rc = fp_store_demo_pool_insert(d->c, "West Yorkshire GP Flexible Staff Pool", d->icb_id, d->icb_id, 7757, 32321,
                                     d->now - 380 * (int64_t)DAY, &d->pool_id);
  /* Then each other ICB's, hosted by it: the demo pool stays the first. */
  for (int k = 0; rc == 0 && k < d->n_other_icbs; k++) {
    char name[200];
    snprintf(name, sizeof name, "%s Flexible Staff Pool", OTHER_ICBS[k].area);
    rc = fp_store_demo_pool_insert(d->c, name, d->others[k].icb_id, d->others[k].icb_id, 7757, 32321,
                                   d->now - 380 * (int64_t)DAY, &d->others[k].pool_id);
  }
  for (int i = 0; rc == 0 && i < d->n_practices; i++) {
    struct demo_practice *p = &d->practices[i];
    p->pool_id = p->icb == 0 ? d->pool_id : d->others[p->icb - 1].pool_id;
  }
  return rc;
}

/* Accounts: one per staff role. ------------------------------------------------------------ */

static int add_user(struct demo *d, const char *email, const char *name, int64_t created_at, const char *role,
                    int64_t org, int64_t pool, int64_t *id) {
  int rc = fp_store_user_insert(d->c, email, name, d->hash, created_at, id);
  if (rc == 0) rc = fp_store_role_insert(d->c, *id, role, org, pool);
  if (rc == 0) d->n_users++;
  return rc;
}

static int demo_staff(struct demo *d) {
  int64_t t = d->now - 370 * (int64_t)DAY;
  int rc = add_user(d, "admin" DOMAIN, "Alex Morgan", t, "sysadmin", 0, 0, &d->admin_user);
  if (!rc) rc = add_user(d, "icb" DOMAIN, "Priya Sharma", t, "commissioner", d->icb_id, 0, &d->commissioner_user);
  if (!rc) rc = add_user(d, "pool" DOMAIN, "Gareth Hughes", t, "pool_admin", 0, d->pool_id, &d->pool_admin_user);
  if (!rc)
    rc = add_user(d, "practice" DOMAIN, "Helen Whitaker", t, "practice_manager", d->practices[d->demo_practice].id, 0,
                  &d->manager_user);
  return rc;
}

/*
 * A manager for three in four of the base practices in the pool besides practice@'s (the fourth
 * stays registered but not onboarded, as a practice that has not yet named one):
 * <ods code>.manager@demo.flexpool.test, e.g. b86030.manager@. Made last, so that the other accounts
 * keep their ids, and named without the random stream, so that the rest of the demo is unchanged.
 */
static int demo_practice_managers(struct demo *d) {
  int64_t t = d->now - 300 * (int64_t)DAY;
  for (int i = 0, k = 0; i < N_BASE_PRACTICES; i++) {
    if (!PRACTICES[i].in_pool || i == d->demo_practice) continue;
    if (k++ % 4 == 3) continue;
    char email[64], name[64];
    snprintf(email, sizeof email, "%s.manager" DOMAIN, PRACTICES[i].ods);
    for (char *e = email; *e && *e != '.'; e++)
      if (*e >= 'A' && *e <= 'Z') *e = (char)(*e - 'A' + 'a');
    snprintf(name, sizeof name, "%s %s", FIRST_NAMES[(i * 7 + 3) % N_FIRST], SURNAMES[(i * 11 + 5) % N_SURNAMES]);
    int64_t id = 0;
    int rc = add_user(d, email, name, t, "practice_manager", d->practices[i].id, 0, &id);
    if (rc) return rc;
  }
  return 0;
}

static int demo_pool_practices(struct demo *d) {
  for (int i = 0; i < d->n_practices; i++) {
    if (!d->practices[i].in_pool) continue;
    int64_t at = d->now - rnd(&d->rng, 200, 360) * DAY;
    /* Another ICB's pool has no administrator in the demo: the system administrator added them. */
    int64_t by = d->practices[i].icb == 0 ? d->pool_admin_user : d->admin_user;
    int rc = fp_store_demo_pool_member_add(d->c, d->practices[i].pool_id, 0, d->practices[i].id, by, at);
    if (rc) return rc;
  }
  return 0;
}

/* Clinicians. -------------------------------------------------------------------------------- */

/* A registration number in the regulator's format; "" for an unregulated profession. */
static void registration_number(struct demo *d, const char *profession, int i, char out[16]) {
  static const char COUNTRIES[] = "EEEEEEEESWNO";
  out[0] = 0;
  if (strcmp(profession, "gp") == 0 || strcmp(profession, "physician_associate") == 0) {
    /* GMC: 7 digits. */
    snprintf(out, 16, "%07d", (int)(3100000 + i * 29000 + rnd(&d->rng, 0, 28000)));
  } else if (strcmp(profession, "nurse") == 0 || strcmp(profession, "nursing_associate") == 0) {
    /* NMC PIN: year, month letter, 4 digits, country letter. */
    snprintf(out, 16, "%02d%c%04d%c", (int)rnd(&d->rng, 0, 23), (char)('A' + rnd(&d->rng, 0, 11)),
             (int)(i * 61 % 10000), COUNTRIES[rnd(&d->rng, 0, 11)]);
  } else if (strcmp(profession, "pharmacist") == 0) {
    snprintf(out, 16, "20%05d", (int)(i * 457 % 100000)); /* GPhC: 7 digits */
  } else if (strcmp(profession, "pharmacy_technician") == 0) {
    snprintf(out, 16, "50%05d", (int)(i * 457 % 100000));
  } else if (strcmp(profession, "paramedic") == 0) {
    snprintf(out, 16, "PA%06d", (int)(10000 + i * 3217 % 90000)); /* HCPC */
  } else if (strcmp(profession, "physiotherapist") == 0) {
    snprintf(out, 16, "PH%06d", (int)(10000 + i * 3217 % 90000));
  } else if (strcmp(profession, "dietitian") == 0) {
    snprintf(out, 16, "DT%06d", (int)(10000 + i * 3217 % 90000));
  } else if (strcmp(profession, "occupational_therapist") == 0) {
    snprintf(out, 16, "OT%06d", (int)(10000 + i * 3217 % 90000));
  }
}

static int add_clinician(struct demo *d, int i, const char *profession, enum pool_standing standing,
                         bool used_names[N_FIRST][N_SURNAMES]) {
  struct demo_clinician *cl = &d->clinicians[i];
  int f, s;
  do {
    f = (int)rnd(&d->rng, 0, N_FIRST - 1);
    s = (int)rnd(&d->rng, 0, N_SURNAMES - 1);
  } while (used_names[f][s]);
  used_names[f][s] = true;
  char name[96], email[64], reg[16], phone[24];
  snprintf(name, sizeof name, "%s %s", FIRST_NAMES[f], SURNAMES[s]);
  snprintf(email, sizeof email, "clinician%03d" DOMAIN, i + 1);
  snprintf(phone, sizeof phone, "07700 900%03d", i + 1);
  registration_number(d, profession, i, reg);
  int64_t created = d->now - rnd(&d->rng, 30, 700) * DAY - rnd(&d->rng, 0, DAY - 1);
  cl->profession = profession;
  cl->role = role_index(profession);
  cl->place = place_weighted(d);
  cl->active = standing != DEACTIVATED;
  cl->in_pool = standing == MEMBER || standing == DEACTIVATED;
  cl->history_only = i < N_HISTORY_ONLY;
  int rc = add_user(d, email, name, created, "clinician", 0, 0, &cl->user_id);
  if (rc) return rc;
  struct fp_demo_clinician row = {
      .user_id = cl->user_id,
      .profession = profession,
      .registration_number = reg[0] ? reg : NULL,
      .home_postcode = postcode_in(d, cl->place)->postcode,
      .travel_radius_km = (int)rnd(&d->rng, 2, 8) * 5,
      .phone = phone,
      .created_at = created,
  };
  if ((rc = fp_store_demo_clinician_insert(d->c, &row, &cl->id)) != 0) return rc;

  /* Membership, and the join request that led to it (or did not). */
  int64_t asked = created + rnd(&d->rng, HOUR, 3 * DAY);
  struct fp_demo_decision jr = {.created_at = asked, .message = NULL};
  char msg[160];
  snprintf(msg, sizeof msg, "I work as a %s around %s and can cover weekday sessions.",
           strcmp(profession, "gp") == 0 ? "sessional GP" : "locum", TOWNS[cl->place]);
  if (cl->in_pool) {
    int64_t added = asked + rnd(&d->rng, HOUR, 5 * DAY);
    if (added > d->now) added = d->now;
    if (chance(&d->rng, 60)) {
      jr.status = "accepted";
      jr.message = msg;
      jr.decided_at = added;
      jr.decided_by = d->pool_admin_user;
      if ((rc = fp_store_demo_join_request_add(d->c, d->pool_id, cl->id, &jr)) != 0) return rc;
    }
    if ((rc = fp_store_demo_pool_member_add(d->c, d->pool_id, cl->id, 0, d->pool_admin_user, added)) != 0) return rc;
  } else if (standing == PENDING) {
    jr.status = "pending";
    jr.message = msg;
    jr.created_at = d->now - rnd(&d->rng, 2 * HOUR, 6 * DAY);
    if ((rc = fp_store_demo_join_request_add(d->c, d->pool_id, cl->id, &jr)) != 0) return rc;
  } else if (standing == DECLINED) {
    jr.status = "declined";
    jr.message = msg;
    jr.decided_at = asked + 2 * DAY;
    jr.decided_by = d->pool_admin_user;
    jr.reason = "We could not confirm your references; please contact the pool team.";
    if ((rc = fp_store_demo_join_request_add(d->c, d->pool_id, cl->id, &jr)) != 0) return rc;
  }
  if (!cl->active && (rc = fp_store_user_set_active(d->c, cl->user_id, false, d->now)) != 0) return rc;
  if (cl->in_pool && cl->active && cl->role >= 0) {
    d->cand[cl->role][d->n_cand[cl->role]++] = i;
  }
  return 0;
}

static int demo_clinicians(struct demo *d) {
  bool used[N_FIRST][N_SURNAMES];
  memset(used, 0, sizeof used);
  for (int i = 0; i < N_CLINICIANS; i++) {
    const char *profession = i < N_GPS ? "gp" : OTHERS[i - N_GPS].profession;
    enum pool_standing standing = i < N_GPS ? MEMBER : OTHERS[i - N_GPS].standing;
    int rc = add_clinician(d, i, profession, standing, used);
    if (rc) return rc;
  }
  return 0;
}

/* Shifts, bookings and applications. --------------------------------------------------------- */

enum slot { AM, PM, ALL_DAY };
#define SLOT_AM 1u
#define SLOT_PM 2u
static const unsigned SLOT_MASK[] = {SLOT_AM, SLOT_PM, SLOT_AM | SLOT_PM};

/* What happens to a shift. */
enum plan {
  P_OPEN,                /* open (approval shifts may have pending applications) */
  P_BOOKED,              /* booked, or completed once it has been worked */
  P_WITHDRAWN,           /* withdrawn by the practice while open */
  P_PRACTICE_CANCELLED,  /* booked, then cancelled by the practice */
  P_REOPENED,            /* booked, cancelled by the clinician: open again */
  P_REBOOKED,            /* booked, cancelled by the clinician, booked by another */
  N_PLANS
};

struct cycle_entry {
  enum plan plan;
  int mode; /* -1 random, 0 instant, 1 approval */
};

/* practice@'s practice goes through these in turn, so that it always has every state. */
static const struct cycle_entry FUTURE_CYCLE[] = {
    {P_OPEN, 0},     {P_BOOKED, 0},      {P_OPEN, 1}, {P_PRACTICE_CANCELLED, -1}, {P_BOOKED, 1},
    {P_REOPENED, 0}, {P_WITHDRAWN, -1},  {P_OPEN, 1}, {P_BOOKED, -1},             {P_REBOOKED, -1},
};
static const struct cycle_entry PAST_CYCLE[] = {
    {P_BOOKED, -1}, {P_BOOKED, -1}, {P_WITHDRAWN, -1},  {P_BOOKED, 1},
    {P_PRACTICE_CANCELLED, -1},     {P_BOOKED, 0},      {P_REBOOKED, -1},
};
/* Roles of practice@'s third daily shift, in turn (GP all day in between). */
static const char *const ROLE_CYCLE[] = {
    "nurse",     "pharmacist",        "gp", "physiotherapist",     "paramedic",
    "healthcare_assistant", "physician_associate", "nursing_associate", "gp", "pharmacy_technician",
    "mental_health_practitioner",
};

static const char *const PRACTICE_REASONS[] = {
    "Clinical room unavailable: building work overran.",
    "A salaried GP is back from leave early and will cover the session.",
    "Session merged with the PCN's enhanced access clinic.",
    "Low demand forecast for the day; appointments moved to the duty team.",
};
static const char *const CLINICIAN_REASONS[] = {
    "Family emergency, sorry for the short notice.",
    "Unwell and not fit to work.",
    "Childcare fell through for that day.",
    "Car off the road; cannot reach the practice.",
};

static int64_t between(struct demo *d, int64_t a, int64_t b) { return b <= a ? a : rnd(&d->rng, a, b); }

struct shift_gen {
  struct fp_shift s;
  enum slot slot;
  int role;
  int di;              /* day index */
  int practice;
  bool approval;
  int64_t horizon;     /* events happen before min(start, now) */
  int taken[8];        /* clinicians already on this shift */
  int n_taken;
};

static bool taken(const struct shift_gen *g, int ci) {
  for (int i = 0; i < g->n_taken; i++)
    if (g->taken[i] == ci) return true;
  return false;
}

/*
 * A clinician of the shift's role in the pool who is free for the slot (mask 0: any), preferring
 * those who live in the practice's place; -1 when none is found in a few tries.
 */
static int find_clinician(struct demo *d, struct shift_gen *g, unsigned mask) {
  int n = d->n_cand[g->role];
  /* The candidates are the demo pool's: another ICB's practices are in their own pools. */
  if (n == 0 || !d->practices[g->practice].in_pool || d->practices[g->practice].icb != 0) return -1;
  bool future = g->s.ends_at > d->now; /* not yet worked: off limits to the history-only GPs */
  int place = d->practices[g->practice].place;
  /* The history-only GPs (the first GP candidates) get a good share of the past sessions. */
  bool history = !future && g->role == 0 && n >= N_HISTORY_ONLY && chance(&d->rng, 35);
  for (int attempt = 0; attempt < 16; attempt++) {
    bool from_history = history && attempt < 4;
    int ci = d->cand[g->role][rnd(&d->rng, 0, from_history ? N_HISTORY_ONLY - 1 : n - 1)];
    const struct demo_clinician *cl = &d->clinicians[ci];
    if (taken(g, ci) || (future && cl->history_only)) continue;
    if (!from_history && attempt < 8 && cl->place != place) continue;
    if (mask && (d->busy[(size_t)ci * (size_t)d->n_days + (size_t)g->di] & mask)) continue;
    if (g->n_taken < 8) g->taken[g->n_taken++] = ci;
    return ci;
  }
  return -1;
}

static int add_application(struct demo *d, struct shift_gen *g, int ci, const char *status, int64_t created,
                           int64_t decided, const char *reason) {
  bool is_demo = g->practice == d->demo_practice;
  struct fp_demo_decision a = {
      .status = status,
      .message = chance(&d->rng, 50) ? "I know the practice and the clinical system well." : NULL,
      .created_at = created,
      .decided_at = decided,
      .decided_by = decided && strcmp(status, "withdrawn") != 0 && is_demo ? d->manager_user : 0,
      .reason = reason,
  };
  d->n_applications++;
  return fp_store_demo_application_add(d->c, g->s.id, d->clinicians[ci].id, &a);
}

/*
 * The timesheet of a worked session (core/timesheet.h), in every state: picked from the booking's
 * id, not the random stream, so the rest of the demo stays as it was. Of ten sessions ended two
 * hours ago or more: two (at the demo practice three) not submitted yet (to_submit: no row), two
 * waiting for the practice, one queried, five approved (by the demo practice's manager; at another practice, whose managers the
 * demo has no account for, by itself after 7 days); those waiting, too, approved themselves once
 * 7 days passed. One in seven ran half an hour over.
 */
static int add_timesheet(struct demo *d, const struct shift_gen *g, const struct demo_clinician *cl, int64_t id,
                         enum fp_rate_unit unit, bool is_demo) {
  /* The demo practice's sessions of the last week, in the order they are made: by chance, a week
     could leave its manager nothing waiting at some hours of the day; in turn, every state is there
     whatever the hour the demo is loaded at (two waiting once three sessions have ended). */
  static const int DEMO_WEEK[10] = {3, 0, 3, 4, 5, 1, 3, 6, 2, 7};
  const int64_t end = g->s.ends_at;
  uint64_t h = (uint64_t)id * 2654435761u;
  int pick = (int)(h % 10);
  /* Three weeks on, every session has been submitted and approved. */
  const bool settled = end + 21 * DAY <= d->now;
  if (end + 2 * HOUR > d->now) return 0;
  if (is_demo && end + 2 * HOUR + (int64_t)FP_TS_AUTO_APPROVE_DAYS * DAY > d->now)
    pick = DEMO_WEEK[d->n_demo_week++ % 10];
  if (!settled && pick < (is_demo ? 3 : 2)) return 0; /* the demo practice: three in ten to submit */
  struct fp_ts_times t = {g->s.starts_at, end + (h % 7 == 3 ? 30 * 60 : 0), (int32_t)g->s.break_minutes};
  struct fp_demo_timesheet ts = {
      .booking_id = id,
      .state = "submitted",
      .actual_start = t.start,
      .actual_end = t.end,
      .break_minutes = t.break_minutes,
      .fee_pence = fp_ts_fee_pence(&t, g->s.rate_pence, unit),
      .submitted_at = end + 2 * HOUR,
      .submitted_by = cl->user_id,
  };
  int64_t auto_at = ts.submitted_at + (int64_t)FP_TS_AUTO_APPROVE_DAYS * DAY;
  if (settled) pick = 9; /* approved */
  if (pick == 4 && is_demo) {
    ts.state = "queried";
    ts.decided_at = ts.submitted_at + HOUR < d->now ? ts.submitted_at + HOUR : d->now;
    ts.decided_by = d->manager_user;
    ts.query_reason = "The rota shows you left at the booked time: please check the end time.";
  } else if (pick >= 5 && is_demo) {
    ts.state = "approved";
    ts.decided_at = ts.submitted_at + HOUR < d->now ? ts.submitted_at + HOUR : d->now;
    ts.decided_by = d->manager_user;
  } else if (auto_at <= d->now) {
    /* Waiting longer than the practice's days: it approved itself then, as the upkeep would have
       (left waiting, every server's first upkeep would approve it at its own moment). */
    ts.state = "approved";
    ts.decided_at = auto_at;
  }
  return fp_store_demo_timesheet_insert(d->c, &ts);
}

/* Books the shift for clinician ci at `at`; cancelled_by NULL leaves it confirmed (and the slot busy). */
static int add_booking(struct demo *d, struct shift_gen *g, int ci, int64_t at, const char *cancelled_by,
                       int64_t cancelled_at) {
  bool is_demo = g->practice == d->demo_practice;
  const struct demo_clinician *cl = &d->clinicians[ci];
  int rc;
  if (g->approval) {
    /* Booked by the practice accepting the clinician's application; others were then declined. */
    if ((rc = add_application(d, g, ci, "accepted", between(d, g->s.created_at, at), at, NULL)) != 0) return rc;
    if (chance(&d->rng, 30)) {
      int other = find_clinician(d, g, 0);
      if (other >= 0 && (rc = add_application(d, g, other, "declined", between(d, g->s.created_at, at), at, "filled")))
        return rc;
    }
  }
  enum fp_rate_unit unit = strcmp(g->s.rate_unit, "session") == 0 ? FP_RATE_SESSION : FP_RATE_HOUR;
  struct fp_demo_booking b = {
      .shift_id = g->s.id,
      .clinician_id = cl->id,
      .practice_id = g->s.practice_id,
      .starts_at = g->s.starts_at,
      .ends_at = g->s.ends_at,
      .status = cancelled_by ? "cancelled" : "confirmed",
      .fee_pence = fp_fee_pence(g->s.rate_pence, unit,
                                fp_worked_minutes(g->s.starts_at, g->s.ends_at, (int32_t)g->s.break_minutes)),
      .created_by = g->approval ? (is_demo ? d->manager_user : 0) : cl->user_id,
      .created_at = at,
  };
  if (cancelled_by) {
    bool by_clinician = strcmp(cancelled_by, "clinician") == 0;
    b.cancelled_by = cancelled_by;
    b.cancelled_by_user = by_clinician ? cl->user_id : is_demo ? d->manager_user : 0;
    b.cancelled_at = cancelled_at;
    b.reason = by_clinician ? CLINICIAN_REASONS[rnd(&d->rng, 0, 3)] : PRACTICE_REASONS[rnd(&d->rng, 0, 3)];
    b.late = fp_cancellation_late(cancelled_at, g->s.starts_at);
  } else {
    d->busy[(size_t)ci * (size_t)d->n_days + (size_t)g->di] |= SLOT_MASK[g->slot];
    /* About one worked session in fifty, the clinician did not come and the practice recorded it
       (core/booking.h: only once the shift has started). Picked from the shift's id, not the
       random stream, so the rest of the demo stays as it was. */
    if (g->s.starts_at + 2 * HOUR <= d->now && (uint64_t)g->s.id * 2654435761u % 50 == 7) {
      b.did_not_attend = true;
      b.attendance_at = g->s.starts_at + 2 * HOUR;
      b.attendance_by = is_demo ? d->manager_user : 0;
    }
  }
  int64_t id;
  if ((rc = fp_store_demo_booking_insert(d->c, &b, &id)) != 0) {
    fprintf(stderr, "demo: booking refused: %s\n", fp_strerror(rc));
    return rc;
  }
  d->n_bookings++;
  return cancelled_by || b.did_not_attend ? 0 : add_timesheet(d, g, cl, id, unit, is_demo);
}

/* When a booking made at `booked` is cancelled: sometimes inside the last 48 hours (late). */
static int64_t cancel_time(struct demo *d, struct shift_gen *g, int64_t booked) {
  if (chance(&d->rng, 40)) {
    int64_t t = g->s.starts_at - rnd(&d->rng, 2 * HOUR, 40 * HOUR);
    if (t <= d->now && t > booked) return t;
  }
  return between(d, booked + 60, g->horizon);
}

static int pending_applications(struct demo *d, struct shift_gen *g, int n, int64_t since) {
  for (int k = 0; k < n; k++) {
    int ci = find_clinician(d, g, 0);
    if (ci < 0) break;
    bool withdrawn = chance(&d->rng, 10);
    int64_t at = between(d, since, d->now - 60);
    int rc = add_application(d, g, ci, withdrawn ? "withdrawn" : "pending", at,
                             withdrawn ? between(d, at, d->now) : 0, NULL);
    if (rc) return rc;
  }
  return 0;
}

static enum plan pick_plan(struct demo *d, struct shift_gen *g, bool past, int *mode) {
  bool is_demo = g->practice == d->demo_practice;
  *mode = -1;
  if (!d->practices[g->practice].in_pool) {
    /* No clinician shares a pool with it: nobody can book. */
    return chance(&d->rng, 85) ? P_OPEN : P_WITHDRAWN;
  }
  if (is_demo) {
    const struct cycle_entry *e =
        past ? &PAST_CYCLE[d->cycle_past++ % (int)(sizeof PAST_CYCLE / sizeof PAST_CYCLE[0])]
             : &FUTURE_CYCLE[d->cycle_future++ % (int)(sizeof FUTURE_CYCLE / sizeof FUTURE_CYCLE[0])];
    *mode = e->mode;
    return e->plan;
  }
  /* Weights of P_OPEN .. P_REBOOKED. */
  static const int PAST[N_PLANS] = {0, 78, 8, 8, 0, 6};
  static const int FUTURE[N_PLANS] = {38, 30, 7, 8, 10, 7};
  static const int PAST_SCALED[N_PLANS] = {0, 90, 6, 4, 0, 0};
  static const int FUTURE_SCALED[N_PLANS] = {82, 14, 2, 1, 1, 0};
  const int *w = d->wanted ? (past ? PAST_SCALED : FUTURE_SCALED) : (past ? PAST : FUTURE);
  return (enum plan)weighted(&d->rng, w, N_PLANS);
}

/* Decides and writes what happened to the shift g->s (inserted as open). */
static int play_shift(struct demo *d, struct shift_gen *g, enum plan plan) {
  struct fp_shift *s = &g->s;
  bool started = s->starts_at <= d->now, ended = s->ends_at <= d->now;
  const char *status = "open";
  int64_t updated = s->created_at;
  int rc = 0, a = -1, b = -1;
  unsigned mask = SLOT_MASK[g->slot];
  int64_t booked = between(d, s->created_at + 600, g->horizon - 600);
  switch (plan) {
  case P_OPEN: break;
  case P_WITHDRAWN:
    status = "withdrawn";
    updated = between(d, s->created_at + 600, g->horizon);
    break;
  case P_BOOKED:
    if ((a = find_clinician(d, g, mask)) < 0) break;
    if ((rc = add_booking(d, g, a, booked, NULL, 0)) != 0) return rc;
    status = ended ? "completed" : "booked";
    updated = ended ? s->ends_at : booked;
    break;
  case P_PRACTICE_CANCELLED: {
    if ((a = find_clinician(d, g, mask)) < 0) break;
    int64_t cancelled = cancel_time(d, g, booked);
    if ((rc = add_booking(d, g, a, booked, "practice", cancelled)) != 0) return rc;
    status = "cancelled";
    updated = cancelled;
    break;
  }
  case P_REOPENED:
  case P_REBOOKED: {
    if ((a = find_clinician(d, g, mask)) < 0) break;
    int64_t cancelled = cancel_time(d, g, booked);
    if ((rc = add_booking(d, g, a, booked, "clinician", cancelled)) != 0) return rc;
    status = "open";
    updated = cancelled;
    if (plan == P_REBOOKED && cancelled + 120 < g->horizon && (b = find_clinician(d, g, mask)) >= 0) {
      int64_t rebooked = between(d, cancelled + 60, g->horizon);
      if ((rc = add_booking(d, g, b, rebooked, NULL, 0)) != 0) return rc;
      status = ended ? "completed" : "booked";
      updated = ended ? s->ends_at : rebooked;
    }
    break;
  }
  case N_PLANS: break;
  }
  if (started && strcmp(status, "open") == 0) {
    /* Nobody was free (or nobody took it after a cancellation): the practice withdrew it unfilled. */
    status = "withdrawn";
    updated = between(d, updated + 60, g->horizon);
  }
  if (strcmp(status, "open") == 0 && !started && g->approval && d->practices[g->practice].in_pool) {
    bool is_demo = g->practice == d->demo_practice;
    int n = d->wanted ? (chance(&d->rng, 20) ? 1 : 0) : (int)rnd(&d->rng, is_demo ? 1 : 0, 3);
    if ((rc = pending_applications(d, g, n, updated)) != 0) return rc;
  }
  if (strcmp(status, "open") != 0 || updated != s->created_at) {
    /* The shift was inserted open: record where it ended up. */
    snprintf(s->status, sizeof s->status, "%s", status);
    s->updated_at = updated;
    if ((rc = fp_store_shift_update(d->c, s, updated)) != 0) return rc;
  }
  enum fp_shift_status st;
  if (fp_shift_status_parse(status, &st) == 0) d->by_status[st]++;
  return 0;
}

static int one_shift(struct demo *d, int pi, fp_day day, int k) {
  static _Thread_local struct shift_gen g; /* large: kept off the stack */
  memset(&g, 0, sizeof g);
  struct fp_shift *s = &g.s;
  struct demo_practice *p = &d->practices[pi];
  bool is_demo = pi == d->demo_practice;
  g.practice = pi;
  g.di = (int)(day - d->first_day);
  /* A weekly GP morning session is posted as a series, the rest one by one. */
  bool series = k == 0 && fp_weekday(day) == p->series_weekday;

  /* Role and slot. */
  if (is_demo && k == 2) {
    const char *code = ROLE_CYCLE[d->cycle_role++ % (int)(sizeof ROLE_CYCLE / sizeof ROLE_CYCLE[0])];
    g.role = role_index(code);
    g.slot = g.role == 0 ? ALL_DAY : (d->cycle_role % 2 ? AM : PM);
  } else if (is_demo || series) {
    g.role = 0;
    g.slot = k == 0 ? AM : PM;
  } else {
    int w[N_ROLES];
    for (int i = 0; i < N_ROLES; i++) w[i] = ROLES[i].weight;
    g.role = weighted(&d->rng, w, N_ROLES);
    static const int GP_SLOTS[] = {40, 40, 20}, OTHER_SLOTS[] = {50, 50, 0};
    g.slot = (enum slot)weighted(&d->rng, g.role == 0 ? GP_SLOTS : OTHER_SLOTS, 3);
  }
  const struct role_info *role = &ROLES[g.role];

  /* Times, in UK local time. */
  static const int START[][2] = {{8, 30}, {13, 30}, {8, 30}}, END[][2] = {{12, 30}, {18, 0}, {18, 0}};
  s->starts_at = fp_uk_local_to_utc(day, START[g.slot][0], START[g.slot][1], 0);
  s->ends_at = fp_uk_local_to_utc(day, END[g.slot][0], END[g.slot][1], 0);
  s->break_minutes = g.slot == ALL_DAY ? 60 : 0;
  int64_t worked = fp_worked_minutes(s->starts_at, s->ends_at, (int32_t)s->break_minutes);

  /* Pay: GP around the pool's indicative rates, other roles at their own going rates. */
  bool session = g.slot != ALL_DAY && chance(&d->rng, g.role == 0 ? 50 : 25);
  if (session && g.role == 0) {
    s->rate_pence = rnd(&d->rng, 56, 72) * 500; /* 280.00 - 360.00 */
  } else {
    int64_t hourly = rnd(&d->rng, role->hourly_lo / 50, role->hourly_hi / 50) * 50;
    s->rate_pence = session ? (hourly * worked / 60 + 250) / 500 * 500 : hourly;
  }
  enum fp_rate_unit unit = session ? FP_RATE_SESSION : FP_RATE_HOUR;
  snprintf(s->rate_unit, sizeof s->rate_unit, "%s", fp_rate_unit_name(unit));
  s->hourly_pence = fp_hourly_equivalent_pence(s->rate_pence, unit, worked);

  bool remote = role->remote && g.slot != ALL_DAY && chance(&d->rng, 6);
  snprintf(s->location_type, sizeof s->location_type, "%s", remote ? "remote" : "site");
  snprintf(s->description, sizeof s->description, "%s", remote ? role->remote : role->what[rnd(&d->rng, 0, 2)]);
  snprintf(s->role, sizeof s->role, "%s", role->code);
  s->practice_id = p->id;
  s->icb_id = p->icb_id;
  s->has_location = true;
  s->lat = p->lat;
  s->lon = p->lon;
  s->created_by = is_demo ? d->manager_user : 0;

  bool past = s->ends_at <= d->now;
  g.horizon = s->starts_at < d->now ? s->starts_at : d->now;
  int mode = -1;
  enum plan plan = pick_plan(d, &g, past, &mode);
  if (s->starts_at <= d->now && !past && p->in_pool && plan != P_WITHDRAWN) plan = P_BOOKED; /* under way */
  g.approval = mode >= 0 ? mode == 1 : chance(&d->rng, 40);
  snprintf(s->booking_mode, sizeof s->booking_mode, "%s", g.approval ? "approval" : "instant");

  if (series) {
    if (!p->series_id) p->series_id = pi + 1;
    s->series_id = p->series_id;
    s->created_at = d->now - 12 * DAY - (pi % 5) * HOUR;
  } else if (s->starts_at <= d->now) {
    s->created_at = s->starts_at - rnd(&d->rng, 3 * DAY, 28 * DAY);
  } else {
    s->created_at = d->now - rnd(&d->rng, HOUR, 21 * DAY);
  }
  s->updated_at = s->created_at;
  snprintf(s->status, sizeof s->status, "open");
  int rc = fp_store_demo_shift_insert(d->c, s, &s->id);
  if (rc) return rc;
  d->n_shifts++;
  return play_shift(d, &g, plan);
}

/* How many shifts a practice posts on a weekday. */
static int shifts_per_day(struct demo *d, int pi, fp_day day, bool past) {
  const struct demo_practice *p = &d->practices[pi];
  if (!p->in_pool && past) return 0;
  if (d->wanted) {
    /* Around the mean that spreads the shifts wanted over the weeks. */
    int n = (int)(d->per_day_x100 / 100) + (rnd(&d->rng, 0, 99) < d->per_day_x100 % 100);
    if (n >= 3) n += (int)rnd(&d->rng, -2, 2);
    return n;
  }
  if (pi == d->demo_practice) return 3;
  static const int MEMBER_W[] = {20, 45, 30, 5}, OTHER_W[] = {60, 40, 0, 0};
  int n = weighted(&d->rng, p->in_pool ? MEMBER_W : OTHER_W, 4);
  return n == 0 && fp_weekday(day) == p->series_weekday ? 1 : n;
}

/* Without --shifts the demo goes six weeks back, so that the money has a history (timesheets
   approved, invoices paid and overdue), and three weeks ahead. */
#define PAST_DAYS 42
#define FUTURE_DAYS 21

static int demo_shifts(struct demo *d) {
  fp_day today = fp_uk_day(d->now);
  d->first_day = today - (d->wanted ? 7 * (d->history_weeks ? d->history_weeks : 1) : PAST_DAYS);
  int weeks = 4;
  if (d->wanted) {
    /* About 5 shifts per practice per weekday, over at least four weeks; with --history-weeks
       spread from that far back to four weeks ahead. */
    long per_week = (long)d->n_practices * 25;
    long needed = (d->wanted + per_week - 1) / per_week;
    if (needed > weeks) weeks = (int)needed;
    if (d->history_weeks + 4 > weeks) weeks = d->history_weeks + 4;
    d->per_day_x100 = d->wanted * 100 / ((long)d->n_practices * 5 * weeks);
  }
  /* Room for a shortfall (practices outside the pool post nothing in the past). */
  d->n_days = d->wanted ? weeks * 7 * 2 : PAST_DAYS + FUTURE_DAYS;
  d->busy = calloc((size_t)N_CLINICIANS * (size_t)d->n_days, 1);
  if (!d->busy) return FP_ENOMEM;
  fp_day last = d->first_day + (d->wanted ? d->n_days : PAST_DAYS + FUTURE_DAYS);
  for (fp_day day = d->first_day; day < last; day++) {
    int wd = fp_weekday(day);
    if (wd == 0 || wd == 6) continue;
    bool past_day = fp_uk_local_to_utc(day, 18, 0, 0) <= d->now;
    for (int pi = 0; pi < d->n_practices; pi++) {
      int n = shifts_per_day(d, pi, day, past_day);
      for (int k = 0; k < n; k++) {
        if (d->wanted && d->n_shifts >= d->wanted) return 0;
        int rc = one_shift(d, pi, day, k);
        if (rc) return rc;
      }
    }
  }
  if (d->wanted && d->n_shifts < d->wanted) {
    fprintf(stderr, "demo: made only %ld of %ld shifts\n", d->n_shifts, d->wanted);
    return FP_EIO;
  }
  return 0;
}

/*
 * --shifts only: extra GPs in the pools with no bookings at all (benchgp0001@ ...), one for every
 * 250 shifts, so that a benchmark has enough clinicians free to book without overlaps.
 */
static int demo_bench_gps(struct demo *d) {
  if (!d->wanted) return 0;
  long n = d->wanted / 250;
  for (long i = 0; i < n; i++) {
    char name[64], email[64], reg[24];
    snprintf(name, sizeof name, "Bench GP %04ld", i + 1);
    snprintf(email, sizeof email, "benchgp%04ld" DOMAIN, i + 1);
    snprintf(reg, sizeof reg, "8%06ld", (i + 1) % 1000000);
    int64_t user_id = 0, clinician_id = 0;
    int rc = add_user(d, email, name, d->now - 30 * DAY, "clinician", 0, 0, &user_id);
    if (rc) return rc;
    /* Spread over the pools as the practices are (bench/run.sh books the demo pool's), living in
       their pool's area. */
    int k = (int)(i % (1 + d->n_other_icbs));
    const char *home = postcode_in(d, 0)->postcode;
    struct fp_demo_clinician row = {
        .user_id = user_id,
        .profession = "gp",
        .registration_number = reg,
        .home_postcode = k == 0 ? home : OTHER_ICBS[k - 1].postcode,
        .travel_radius_km = 30,
        .created_at = d->now - 30 * DAY,
    };
    if ((rc = fp_store_demo_clinician_insert(d->c, &row, &clinician_id)) != 0) return rc;
    int64_t pool = k == 0 ? d->pool_id : d->others[k - 1].pool_id, by = k == 0 ? d->pool_admin_user : d->admin_user;
    if ((rc = fp_store_demo_pool_member_add(d->c, pool, clinician_id, 0, by, d->now - 29 * DAY))) return rc;
  }
  return 0;
}

/*
 * --clinicians only: the clinicians past the documented 150 (member00001@ ...), so that the lists
 * can be tried with a real ICB's thousands. Names from the same lists, with a middle name, spread
 * by a fixed permutation so that neighbours differ; professions in roughly a pool's proportions;
 * most are members, some have asked to join and wait, a few are in no pool or deactivated. Their
 * passports are spread over the demo's states (app/demo_passport.c). No shifts or bookings.
 */
static int demo_generated_clinicians(struct demo *d) {
  static const struct {
    const char *profession;
    int weight;
  } MIX[] = {
      {"gp", 40}, {"nurse", 18}, {"pharmacist", 9}, {"paramedic", 6}, {"physiotherapist", 5},
      {"physician_associate", 4}, {"healthcare_assistant", 5}, {"nursing_associate", 3}, {"pharmacy_technician", 3},
      {"mental_health_practitioner", 3}, {"social_prescribing_link_worker", 2}, {"dietitian", 1},
      {"occupational_therapist", 1},
  };
  enum { N_MIX = sizeof MIX / sizeof MIX[0] };
  int weights[N_MIX];
  for (int i = 0; i < N_MIX; i++) weights[i] = MIX[i].weight;
  long n = d->n_wanted_clinicians - N_CLINICIANS;
  d->n_gen = 0; /* the transaction may run again */
  if (n > 0 && (size_t)n > d->cap_gen) {
    int64_t *ids = realloc(d->gen_ids, (size_t)n * sizeof *ids);
    if (ids) d->gen_ids = ids;
    const char **profs = realloc(d->gen_professions, (size_t)n * sizeof *profs);
    if (profs) d->gen_professions = profs;
    if (!ids || !profs) return FP_ENOMEM;
    d->cap_gen = (size_t)n;
  }
  const long combos = (long)N_FIRST * N_FIRST * N_SURNAMES;
  for (long k = 0; k < n; k++) {
    long perm = (k * 7919 + 1234) % combos;
    int f = (int)(perm % N_FIRST), m = (int)(perm / N_FIRST % N_FIRST), sn = (int)(perm / N_FIRST / N_FIRST);
    if (m == f) m = (m + 37) % N_FIRST;
    const char *profession = MIX[weighted(&d->rng, weights, N_MIX)].profession;
    char name[160], email[64], reg[24] = "", phone[24];
    snprintf(name, sizeof name, "%s %s %s", FIRST_NAMES[f], FIRST_NAMES[m], SURNAMES[sn]);
    snprintf(email, sizeof email, "member%05ld" DOMAIN, k + 1);
    snprintf(phone, sizeof phone, "07700 9%05ld", (k + 1) % 100000);
    /* Numbers in each regulator's format, in ranges the documented clinicians do not use. */
    if (strcmp(profession, "gp") == 0 || strcmp(profession, "physician_associate") == 0)
      snprintf(reg, sizeof reg, "%07ld", 7500000 + k);
    else if (strcmp(profession, "nurse") == 0 || strcmp(profession, "nursing_associate") == 0)
      snprintf(reg, sizeof reg, "%02ld%c%04ld%c", 24 + k / 120000, (char)('A' + k / 10000 % 12), k % 10000, 'E');
    else if (strcmp(profession, "pharmacist") == 0) snprintf(reg, sizeof reg, "21%05ld", k % 100000);
    else if (strcmp(profession, "pharmacy_technician") == 0) snprintf(reg, sizeof reg, "51%05ld", k % 100000);
    else if (strcmp(profession, "paramedic") == 0) snprintf(reg, sizeof reg, "PA%06ld", 200000 + k);
    else if (strcmp(profession, "physiotherapist") == 0) snprintf(reg, sizeof reg, "PH%06ld", 200000 + k);
    else if (strcmp(profession, "dietitian") == 0) snprintf(reg, sizeof reg, "DT%06ld", 200000 + k);
    else if (strcmp(profession, "occupational_therapist") == 0) snprintf(reg, sizeof reg, "OT%06ld", 200000 + k);
    int64_t created = d->now - rnd(&d->rng, 20, 900) * DAY - rnd(&d->rng, 0, DAY - 1);
    int64_t user_id = 0, clinician_id = 0;
    int rc = add_user(d, email, name, created, "clinician", 0, 0, &user_id);
    if (rc) return rc;
    int place = place_weighted(d);
    struct fp_demo_clinician row = {
        .user_id = user_id,
        .profession = profession,
        .registration_number = reg[0] ? reg : NULL,
        .home_postcode = postcode_in(d, place)->postcode,
        .travel_radius_km = (int)rnd(&d->rng, 2, 8) * 5,
        .phone = phone,
        .created_at = created,
    };
    if ((rc = fp_store_demo_clinician_insert(d->c, &row, &clinician_id)) != 0) return rc;
    /* 90% members (1 in 50 of them deactivated), 6% waiting to join, 4% in no pool. */
    int64_t r100 = rnd(&d->rng, 0, 99);
    int64_t asked = created + rnd(&d->rng, HOUR, 3 * DAY);
    struct fp_demo_decision jr = {.created_at = asked,
                                  .message = "I can cover weekday sessions across the area; references on request."};
    if (r100 < 90) {
      int64_t added = asked + rnd(&d->rng, HOUR, 5 * DAY);
      if (added > d->now) added = d->now;
      jr.status = "accepted";
      jr.decided_at = added;
      jr.decided_by = d->pool_admin_user;
      if ((rc = fp_store_demo_join_request_add(d->c, d->pool_id, clinician_id, &jr)) != 0) return rc;
      if ((rc = fp_store_demo_pool_member_add(d->c, d->pool_id, clinician_id, 0, d->pool_admin_user, added)) != 0)
        return rc;
      if (r100 < 2 && (rc = fp_store_user_set_active(d->c, user_id, false, d->now)) != 0) return rc;
      if (r100 >= 2) {
        d->gen_professions[d->n_gen] = profession;
        d->gen_ids[d->n_gen++] = clinician_id;
      }
    } else if (r100 < 96) {
      jr.status = "pending";
      jr.created_at = d->now - rnd(&d->rng, HOUR, 20 * DAY);
      if ((rc = fp_store_demo_join_request_add(d->c, d->pool_id, clinician_id, &jr)) != 0) return rc;
    }
  }
  return 0;
}

/* Passports, last: every clinician exists by then (app/demo_passport.h). */
static int demo_passports(struct demo *d) { return fp_demo_passports(d->c, d->now, d->pool_admin_user); }

/* The pool's active members, documented and generated: their ids and professions (free both). */
static int active_members(struct demo *d, int64_t **ids, const char ***professions, size_t *n) {
  *n = 0;
  *ids = malloc((N_CLINICIANS + d->n_gen) * sizeof **ids);
  *professions = malloc((N_CLINICIANS + d->n_gen) * sizeof **professions);
  if (!*ids || !*professions) {
    free(*ids);
    free((void *)*professions);
    return FP_ENOMEM;
  }
  for (int i = 0; i < N_CLINICIANS; i++)
    if (d->clinicians[i].in_pool && d->clinicians[i].active) {
      (*professions)[*n] = d->clinicians[i].profession;
      (*ids)[(*n)++] = d->clinicians[i].id;
    }
  for (size_t i = 0; i < d->n_gen; i++) {
    (*professions)[*n] = d->gen_professions[i];
    (*ids)[(*n)++] = d->gen_ids[i];
  }
  return 0;
}

/* Availability for the pool's active members (src/app/demo_availability.c), so that "who is
   available" and the capacity figures have something to show; and alert preferences for some of
   them (the rest keep the defaults), so the upkeep's shift alerts reach them in `make run`. */
static int demo_availability(struct demo *d) {
  int64_t *ids;
  const char **professions;
  size_t n;
  int rc = active_members(d, &ids, &professions, &n);
  if (rc) return rc;
  rc = fp_demo_availability(d->c, d->now, ids, n);
  if (!rc) rc = fp_demo_alert_prefs(d->c, d->now, ids, professions, n);
  /* Only the shifts posted in the last day are new to the upkeep's alerts; the older ones were
     posted before anyone had alerts (else every clinician would start with dozens). */
  if (!rc) rc = fp_store_alerts_scanned_before(d->c, d->now - DAY, d->now);
  free(ids);
  free((void *)professions);
  return rc;
}

/* Invoices (issue 13): the approved sessions' invoices, issued when each was approved, most of the
   older ones paid, some left overdue (store/demo.h fp_store_demo_invoices). */
/* Terms of engagement (core/terms.h): the pool's defaults (30 days to pay; 50 % of the fee for a
   practice's cancellation inside 7 days, all of it inside 48 hours; mileage), and their own for
   one GP in three of the named ones, from clinician001@ on: 14, 21 or 28 days, all of the fee inside
   24 or 72 hours, some with expenses. Then each booking's copy of the terms it runs on. */
static int demo_terms(struct demo *d) {
  struct fp_terms pool = fp_terms_default();
  pool.n_bands = 2;
  pool.bands[0] = (struct fp_cancel_band){168, 50};
  pool.bands[1] = (struct fp_cancel_band){48, 100};
  pool.mileage = true;
  int rc = fp_store_terms_put(d->c, 0, d->pool_id, &pool, d->pool_admin_user, d->now - 360 * (int64_t)DAY);
  /* And the staff-sharing agreement its practices accept with them when they post. */
  if (!rc)
    rc = fp_store_sharing_agreement_put(
        d->c, d->pool_id,
        "Staff-sharing agreement between the pool's host, NHS West Yorkshire ICB, and each member practice.\n"
        "1. The practice directs the clinical work of the session and provides the room, equipment, clinical system"
        " access and a named contact on the day.\n"
        "2. Sessional GPs are covered by the Clinical Negligence Scheme for General Practice (CNSGP) for NHS work"
        " done on the practice's behalf; the practice keeps its own cover for its premises and staff.\n"
        "3. The pool keeps each clinician's passport (registration, performers list, DBS, indemnity, training) and"
        " the practice relies on it instead of repeating the checks.\n"
        "4. The practice pays the clinician's invoice, with the employer pension contribution where due, within the"
        " terms agreed with the booking.\n"
        "5. Either side may end this agreement with 30 days' notice; sessions already booked are honoured.",
        d->pool_admin_user, d->now - 360 * (int64_t)DAY);
  for (int i = 0; rc == 0 && i < N_GPS; i += 3) {
    const struct demo_clinician *cl = &d->clinicians[i];
    struct fp_terms own = fp_terms_default();
    own.payment_days = 14 + 7 * (i / 3 % 3);
    own.n_bands = 1;
    own.bands[0] = (struct fp_cancel_band){i % 2 ? 72 : 24, 100};
    own.expenses = i % 2 == 0;
    rc = fp_store_terms_put(d->c, cl->id, 0, &own, cl->user_id, d->now - rnd(&d->rng, 30, 300) * DAY);
  }
  return rc ? rc : fp_store_demo_booking_terms(d->c);
}

/* NHS Pension Scheme details (store/pension.h): the first ten named GPs, from clinician001@, pension
   their locum work with SD numbers 10000001 on, declaring GBP 40,000 to 85,000 a year. */
static int demo_pension(struct demo *d) {
  int rc = 0;
  for (int i = 0; rc == 0 && i < 10 && i < N_GPS; i++) {
    const struct demo_clinician *cl = &d->clinicians[i];
    struct fp_pension_details p = {.pensioned = true, .annual_pensionable_pence = (4000000 + 500000 * (i % 10))};
    snprintf(p.sd_number, sizeof p.sd_number, "%08d", 10000001 + i);
    rc = fp_store_pension_details_put(d->c, cl->id, &p, cl->user_id, d->now - 200 * (int64_t)DAY);
  }
  return rc;
}

static int demo_invoices(struct demo *d) {
  return fp_store_demo_invoices(d->c, d->practices[d->demo_practice].id, d->manager_user, d->now);
}

/* The pool's rate policy (core/rate_policy.h): a shift over GBP 200.00 an hour awaits the pool's
   approval and no escalation passes it, +5 % of the posted rate
   when 72 hours remain and +10 % at 24 hours, for the pool's practices, which opted in (all but one
   in three): their unfilled shifts of the next three days are escalated as the upkeep would. */
static int demo_rate_policy(struct demo *d) {
  struct fp_rate_policy p = {.cap_hourly_pence = 20000, .n_steps = 2, .steps = {{72, 5}, {24, 10}}};
  int rc = fp_store_rate_policy_put(d->c, d->pool_id, &p, d->pool_admin_user, d->now - 300 * (int64_t)DAY);
  for (int i = 0; rc == 0 && i < d->n_practices; i++)
    if (d->practices[i].in_pool && d->practices[i].icb == 0 && (i == d->demo_practice || i % 3 != 0))
      rc = fp_store_rate_escalation_set(d->c, d->practices[i].id, true, i == d->demo_practice ? d->manager_user : 0,
                                        d->now - 290 * (int64_t)DAY);
  int n = 0;
  return rc ? rc : fp_store_shifts_escalate(d->c, d->now, &n);
}

/* The pool's programme money (store/funding.h): it opened two weeks after it was set up; NHS
   England's GBP 120,000 for each financial year it has run in, the platform's licence at each
   year's start and the coordinator's cost at the end of each month since it opened, with one
   correction, as the commissioner would have recorded them. */
static int demo_funding(struct demo *d) {
  struct fp_pool pool;
  int rc = fp_store_pool_get(d->c, d->pool_id, &pool);
  if (rc) return rc;
  fp_day today = fp_uk_day(d->now), opened = fp_uk_day(pool.created_at) + 14;
  pool.opened_on = opened;
  if ((rc = fp_store_pool_update(d->c, &pool)) != 0) return rc;
  struct fp_funding_entry e = {.pool_id = d->pool_id};
  int64_t id;
#define ENTRY(KIND, DAY, PENCE, TEXT)                                                                               \
  do {                                                                                                              \
    snprintf(e.kind, sizeof e.kind, "%s", KIND);                                                                    \
    e.on_day = (DAY);                                                                                               \
    e.amount_pence = (PENCE);                                                                                       \
    snprintf(e.description, sizeof e.description, "%s", TEXT);                                                      \
    rc = fp_store_funding_add(d->c, &e, d->commissioner_user, fp_uk_local_to_utc((fp_day)(DAY), 9, 0, 0), &id);      \
  } while (0)
  for (int fy = fp_financial_year_of(opened); rc == 0 && fy <= fp_financial_year_of(today); fy++) {
    fp_day first, end;
    fp_financial_year_days(fy, &first, &end);
    char name[8], text[120];
    fp_financial_year_name(fy, name);
    fp_day on = first < opened ? opened : first;
    snprintf(text, sizeof text, "NHS England flexible pool funding %s", name);
    ENTRY("allocation", on, 12000000, text);
    if (rc == 0) {
      snprintf(text, sizeof text, "Digital staff bank platform, annual licence %s", name);
      ENTRY("spend", on, 1500000, text);
    }
  }
  /* The coordinator, on the last day of each month that has ended since the pool opened. */
  int y, m, dd;
  fp_civil_from_days(opened, &y, &m, &dd);
  for (int k = 0; rc == 0; k++) {
    int ny = y + (m + k) / 12, nm = (m + k) % 12 + 1; /* the month after the k-th */
    fp_day last = fp_days_from_civil(ny, nm, 1) - 1;
    if (last >= today) break;
    ENTRY("spend", last, 280000, "Pool coordinator (0.6 WTE), salary and on-costs");
    if (rc == 0 && k == 2) ENTRY("spend", last, -28000, "Correction: the coordinator's overtime was charged twice");
  }
#undef ENTRY
  return rc;
}

/* The FHIR API's demo client (docs/FHIR.md, README): client id demo-fhir, secret flexpool-demo,
   every scope, for the demo ICB (and so everything in it). */
static int demo_fhir_client(struct demo *d) {
  struct fp_fhir_client cl;
  memset(&cl, 0, sizeof cl);
  snprintf(cl.client_id, sizeof cl.client_id, "%s", FP_DEMO_FHIR_CLIENT);
  snprintf(cl.name, sizeof cl.name, "Demo FHIR client (West Yorkshire)");
  cl.scopes = FP_FHIR_ALL_SCOPES;
  cl.n_orgs = 1;
  cl.orgs[0] = d->icb_id;
  unsigned char hash[FP_FHIR_HASH_LEN];
  fp_fhir_secret_hash(FP_DEMO_PASSWORD, hash);
  int64_t id = 0;
  return fp_store_fhir_client_create(d->c, &cl, hash, d->admin_user, d->now, &id);
}

/* The load. ---------------------------------------------------------------------------------- */

static const struct demo_step {
  const char *what;
  int (*fn)(struct demo *d);
} STEPS[] = {
    {"postcodes", demo_postcodes},
    {"organisations", demo_organisations},
    {"pool", demo_pool},
    {"staff accounts", demo_staff},
    {"pool practices", demo_pool_practices},
    {"clinicians", demo_clinicians},
    {"shifts", demo_shifts},
    {"bench GPs", demo_bench_gps},
    {"generated clinicians", demo_generated_clinicians},
    {"passports", demo_passports},
    {"availability", demo_availability},
    {"terms", demo_terms},
    {"pension details", demo_pension},
    {"invoices", demo_invoices},
    {"rate policy", demo_rate_policy},
    {"funding", demo_funding},
    {"practice managers", demo_practice_managers},
    {"FHIR client", demo_fhir_client},
};

static int load_tx(struct fp_conn *c, void *ctx) {
  struct demo *d = ctx;
  d->c = c;
  bool has = false;
  int rc = fp_store_demo_has_users(c, &has);
  if (rc) return rc;
  if (has) return FP_ECONFLICT;
  if ((rc = fp_store_demo_bulk(c, true)) != 0) return rc;
  for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++) {
    if ((rc = STEPS[i].fn(d)) != 0) {
      fprintf(stderr, "demo: %s failed: %s\n", STEPS[i].what, fp_strerror(rc));
      fp_store_demo_bulk(c, false);
      return rc;
    }
  }
  if ((rc = fp_store_demo_bulk(c, false)) != 0) return rc;
  if ((rc = fp_store_demo_mark_accounts(c)) != 0) return rc;
  char after[256];
  snprintf(after, sizeof after, "{\"practices\":%d,\"users\":%ld,\"shifts\":%ld,\"bookings\":%ld,\"applications\":%ld}",
           d->n_practices, d->n_users, d->n_shifts, d->n_bookings, d->n_applications);
  return fp_store_audit(c, d->now, 0, "demo.load", "store", 0, NULL, after);
}

int fp_demo_load(struct fp_store *s, int64_t now, long shifts, long clinicians) {
  return fp_demo_load_history(s, now, shifts, clinicians, 0);
}

int fp_demo_load_history(struct fp_store *s, int64_t now, long shifts, long clinicians, int history_weeks) {
  int empty = 0;
  int rc = fp_store_is_empty(s, &empty);
  if (rc) return rc;
  if (!empty) return FP_ECONFLICT;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  /* Argon2id is slow on purpose: hash the one demo password once and share it. */
  char hash[160];
  if ((rc = fp_password_hash(FP_DEMO_PASSWORD, hash, sizeof hash)) != 0) return rc;
  struct demo *d = calloc(1, sizeof *d);
  if (!d) return FP_ENOMEM;
  d->now = now;
  d->wanted = shifts > 0 ? shifts : 0;
  d->history_weeks = d->wanted && history_weeks > 0 ? history_weeks : 0;
  d->n_wanted_clinicians = clinicians > N_CLINICIANS ? clinicians : N_CLINICIANS;
  d->rng.s = 0x466C6578506F6F6CULL; /* "FlexPool" */
  d->y_code = 10000;
  d->hash = hash;
  long max_practices = d->wanted ? (d->wanted + 399) / 400 : 0;
  if (max_practices < N_BASE_PRACTICES) max_practices = N_BASE_PRACTICES;
  d->practices = calloc((size_t)max_practices, sizeof *d->practices);
  if (!d->practices) {
    free(d);
    return FP_ENOMEM;
  }
  rc = fp_store_write(s, load_tx, d);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (rc == 0) {
    fprintf(stderr,
            "demo: %d practices, %ld users, %ld shifts (%ld open, %ld booked, %ld completed, %ld withdrawn, "
            "%ld cancelled), %ld bookings, %ld applications in %.2f s\n",
            d->n_practices, d->n_users, d->n_shifts, d->by_status[FP_SHIFT_OPEN], d->by_status[FP_SHIFT_BOOKED],
            d->by_status[FP_SHIFT_COMPLETED], d->by_status[FP_SHIFT_WITHDRAWN], d->by_status[FP_SHIFT_CANCELLED],
            d->n_bookings, d->n_applications,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
  free(d->busy);
  free(d->practices);
  free(d->gen_ids);
  free((void *)d->gen_professions);
  free(d);
  return rc;
}
