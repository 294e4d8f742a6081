"""Generate the labelled sample dataset shipped in ``template/data/raw/``.

The rows are customer-support messages for a fictional online shop that also sells a
subscription plan and has its own apps. Each message is labelled with the team that should
handle it: billing, shipping, technical or account.

Every message is built from the hand-written fragments below. Some are complete messages and
are used once, as written. The others are core messages (problems and requests) that are used
once or twice each and get an optional opener, an optional extra detail and an optional closer
in a matching tone; placeholders (order numbers, amounts, products, dates, ...) are filled in,
and now and then a typo or an all-lowercase style is applied. A seeded ``random.Random``
drives every choice, so the output is identical on every run and CI can run ``--check`` to make
sure the shipped file never drifts from this script.

Raw data is messy on purpose: a few rows are duplicated (some differing only in whitespace)
and two texts appear with two different labels, so that the project's data_register stage has
something to clean up and report.

Usage::

    python scripts/make_sample_data.py            # (re)write the shipped file
    python scripts/make_sample_data.py --check    # exit 1 if the shipped file is out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import string
import sys
from pathlib import Path

SEED = 20240611
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "template" / "data" / "raw" / "support_tickets.csv.jinja"

# The column names are Copier answers, so the header is the only templated line of the file.
HEADER = "{{ text_column }},{{ label_column }}\n"
JINJA_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")

LABELS = ("billing", "shipping", "technical", "account")
# Distinct rows per label, before the duplicated and conflicting rows below are mixed in.
ROWS_PER_LABEL = {"billing": 110, "shipping": 104, "technical": 98, "account": 92}
MAX_WORDS = 60

# How each duplicated row differs from its original: not at all, or only in whitespace.
DUPLICATE_STYLES = ("exact", "exact", "exact", "double_space", "trailing_space", "leading_space")
EXPECTED_DUPLICATES = len(DUPLICATE_STYLES)

# Genuinely ambiguous messages that appear once under each of two labels.
CONFLICTING_TEXTS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("I can't log in to update my payment details.", ("account", "billing")),
    ("The tracking link in the app just shows a blank page.", ("shipping", "technical")),
)

Row = tuple[str, str]

# --------------------------------------------------------------------------- complete messages
# Used exactly once each, as written (apart from the placeholders).

STANDALONE: dict[str, list[str]] = {
    "billing": [
        "where is my refund",
        "Charged twice. Please fix.",
        "Why did my bill go up this month?",
        "need a copy of my invoice pls",
        "I was charged twice for shipping on order {order}. The first charge was {amount} and "
        "then the exact same amount again two days later. Can one of them be refunded?",
        "Cancelled my trial before it ended and still got billed {amount}. Not happy.",
        "Do you accept gift cards for the {plan} plan or only credit cards?",
        "hi, my company needs our VAT number shown on the invoice, can you reissue it",
        "You took {amount} from my account without asking. I never agreed to an annual renewal. "
        "I want the full amount back today, and I want to know why the reminder email never came.",
        "Is there a student discount on the yearly subscription?",
        "Payment declined but the money left my bank anyway??",
        "I returned the {product} three weeks ago and the warehouse confirmed it arrived, but "
        "the refund of {amount} still hasn't shown up on my card.",
        "How do I switch from monthly to yearly billing?",
        "The promo code took 15% off the basket but my statement shows the full price.",
        "can i get a receipt for {order}",
        "Please stop charging me. I cancelled {when}.",
        "I've been on the Plus plan for two years without a single problem, but this month I was "
        "charged {amount} on the 1st and again on the 4th, and the second charge came with a "
        "currency conversion fee on top. Could you refund the duplicate and the fee, and make "
        "sure it doesn't happen again next month?",
        "hi, sorry if this is a dumb question. I see two lines on my statement from you, one for "
        "{amount} and one for $0.00 marked 'authorisation'. is the zero one something to worry "
        "about or is that normal when you add a new card?",
    ],
    "shipping": [
        "where is my package??",
        "Order {order} still not shipped.",
        "Tracking hasn't updated in a week.",
        "box arrived crushed",
        "Do you ship to Canada?",
        "It says delivered. It was not delivered. I've checked with the neighbours, the building "
        "office and the side door. Order {order}, please tell me what happens now.",
        "I ordered the {product} {when} and was promised delivery within 3 to 5 business days. "
        "It has now been almost three weeks and the tracking just says 'label created'. "
        "What is going on?",
        "can i change the delivery address on {order}, it hasnt shipped yet",
        "Wrong item in my parcel. I ordered the {product} and got a phone case.",
        "Is express delivery available at the weekend?",
        "Package was left out in the rain and everything inside is soaked.",
        "Hi! Just wondering if my order could be delivered to my office instead of home. Thanks :)",
        "half my order is missing",
        "The courier says they tried to deliver but nobody knocked. I was home all day, working "
        "at the kitchen table about three metres from the front door.",
        "Do you offer click and collect?",
        "Do you ship to PO boxes?",
        "How long does international shipping usually take?",
        "Order {order} was supposed to arrive before my daughter's birthday on Saturday. "
        "Tracking showed it at the local depot on Wednesday, then nothing for three days, and "
        "now it says 'delayed - address issue'. It's the same address I've used for every "
        "order. Can someone chase the depot or send a replacement by express?",
        "The box came today but it only had the cushion covers in it. The packing slip lists "
        "the {product} as well and there's no note saying it's coming separately. Is it still "
        "on its way or was it left out by mistake?",
    ],
    "technical": [
        "app keeps crashing",
        "Is the website down right now?",
        "Can't upload files anymore.",
        "checkout page just spins forever",
        "Getting error {code} on every page.",
        "Since the update to version {version} the app freezes whenever I open my order history. "
        "I've reinstalled it twice and restarted my phone, same thing every time.",
        "The search bar doesn't return anything, even for things I know you sell, like the "
        "{product}.",
        "dark mode makes the text invisible on the settings page lol",
        "Your API has been returning 502s for the last hour. Our integration is completely down "
        "and we have customers waiting. Is there a status page I can check?",
        "The CSV export is empty, just the headers.",
        "Push notifications stopped working after the last update.",
        "I click 'Add to cart' and nothing happens. Tried two browsers, cleared cookies, "
        "disabled extensions. Still nothing.",
        "the page layout is broken on my tablet, buttons overlap the text",
        "Images won't load on the product pages.",
        "Is there a known bug with the calendar sync? My events show up twice.",
        "Since this morning nobody on our team can export reports from the dashboard. The "
        "progress bar gets to about 90% and then fails with error {code}. We've tried other "
        "browsers, smaller date ranges and a different network. We have a board meeting "
        "tomorrow and really need these numbers, so any workaround would help.",
        "The app logs me in fine, but as soon as I open the {screen} it throws me back to the "
        "home screen. No error message, the page just closes. Happens on wifi and on mobile "
        "data. I'm on version {version}, which the store says is the latest.",
    ],
    "account": [
        "can't log in",
        "Please delete my account.",
        "How do I change my username?",
        "locked out of my account AGAIN",
        "I never got the password reset email. I've checked spam, promotions, everything. "
        "Tried three times in the last hour.",
        "Someone changed the email address on my account and now I can't get in. I didn't do "
        "this. Please lock it down before they place orders with it.",
        "Can two people share one account or do we each need our own?",
        "how do i turn off two factor, i got a new phone and the old one is gone",
        "I want to merge my two accounts, I accidentally signed up twice with different addresses.",
        "Is there a way to download all the data you hold about me?",
        "Account deactivated without warning???",
        "I'd like to transfer ownership of our team workspace to a colleague before I leave the "
        "company next month. I'm the only admin at the moment, so I can't just remove myself.",
        "Verification link expired before I could click it.",
        "Where do I change my display name?",
        "Please unsubscribe me from marketing emails but keep the account open.",
        "I set up the workspace for our small team last year with my old work address, which "
        "has since been shut down. I still know the password, but every sign-in now asks for a "
        "code sent to that inbox, so I'm completely stuck. What can I send you to prove the "
        "account is mine?",
        "My partner and I have always shared one login for the shop. We'd like separate "
        "accounts now, but all the order history is on the shared one. Is it possible to split "
        "it, or at least copy the past orders across to a new account?",
    ],
}

# ------------------------------------------------------------------------------ core messages
# Each is used once or twice, with different decoration and placeholder values. Problems can be
# written in any tone; requests are questions or asks that nobody would open with "Seriously?".

PROBLEMS: dict[str, list[str]] = {
    "billing": [
        "I was charged {amount} twice for the same order ({order}).",
        "My card was billed for the {plan} plan even though I downgraded last month.",
        "I still haven't received the refund for {order}.",
        "The invoice for {order} shows the wrong billing address and I need it corrected for "
        "my expense report.",
        "I paid for express shipping but the order came with standard delivery, so I'd like "
        "the difference refunded.",
        "My subscription renewed {when} and I was billed {amount}, but I thought I had cancelled.",
        "The discount code SPRING10 was accepted at checkout but wasn't taken off the final "
        "charge.",
        "There's a charge of {amount} on my statement that I don't recognise.",
        "My monthly price jumped to {amount} without any notice.",
        "The refund you issued was only partial, {amount} is still missing.",
        "I paid by bank transfer {when} but the order still says awaiting payment.",
        "Why was I charged a restocking fee on my return? Nothing on the website mentioned it.",
        "I was billed for 10 seats on the Team plan but only 6 of us actually use it.",
        "I got charged in euros instead of dollars and my bank added a conversion fee.",
        "The trial was supposed to be free for 14 days but I was charged on day 3.",
        "I paid part of {order} with a gift card but my credit card was charged the full "
        "{amount} anyway.",
        "I was charged a late payment fee but my payment went through on time.",
        "The tax on my invoice looks wrong, we're tax exempt and I already sent the certificate.",
        "I was double billed this month, once on the 1st and again on the 3rd.",
        "The cancellation was confirmed by email but I was still charged {amount} {when}.",
        "My payment keeps getting declined at checkout even though there's plenty of money on "
        "the card.",
        "The order total at checkout was {amount} but my bank shows a higher amount.",
        "You refunded the wrong card, and the original one is closed now.",
        "I want to dispute a charge that appeared {when}.",
        "I was supposed to get free shipping over $50 but got charged a delivery fee anyway.",
        "I sent back two items from {order} but only got money back for one of them.",
        "My receipt lists the {product} twice but I was only sent one.",
        "I keep getting emails saying my payment failed, but the charge is on my bank app.",
        "I upgraded to {plan} and got charged the full price instead of the difference.",
        "The refund confirmation says {amount} but I received less than that.",
        "I was charged for an order that was cancelled before it shipped.",
        "The pre-authorisation hold of {amount} is still on my card a week after the order was "
        "cancelled.",
        "My loyalty points weren't taken off the total, so I paid full price.",
        "Why is there a {amount} charge from you every month? As far as I know I don't have a "
        "subscription.",
        "The invoice PDF says {amount} but the confirmation email had a different total.",
        "I paid for gift wrapping and it wasn't wrapped, can I get that fee back?",
        "The refund went to store credit automatically, I never asked for that.",
    ],
    "shipping": [
        "My order {order} still hasn't arrived and it's been {days} days.",
        "The tracking number for {order} doesn't work on the courier's site.",
        "The package was marked as delivered {when} but there was nothing at my door.",
        "The {product} arrived damaged, the box was completely crushed on one side.",
        "Only part of my order arrived, the {product} is missing from the box.",
        "I received someone else's order instead of mine.",
        "The estimated delivery date keeps moving back every single day.",
        "I chose next-day delivery and it's now day four with no sign of the parcel.",
        "The parcel has been stuck at the sorting depot for days according to tracking.",
        "The driver left my package with a neighbour I don't even know.",
        "My order was split into two shipments and only one has turned up.",
        "The tracking says returned to sender, but nobody ever tried to deliver it.",
        "The {product} arrived with parts missing and no instructions in the box.",
        "The courier wants me to pay customs fees before they'll hand over the package.",
        "The package has been 'out for delivery' for three days straight.",
        "I ordered {when} and it still hasn't shipped.",
        "The box was open when it arrived and the {product} wasn't in it.",
        "My delivery went to my old address even though I changed it at checkout.",
        "The return label you emailed doesn't scan at the drop-off point.",
        "How do I send back the {product}? There was no return slip in the package.",
        "The courier left a card saying I have to collect it from the depot, which is 40 "
        "minutes away.",
        "The {product} came twice but I only ordered one, how do I send the extra back?",
        "Tracking shows my parcel went to a completely different city.",
        "The delivery window was 9 to 1 and nobody came.",
        "The glass jars arrived smashed, there was hardly any padding in the box.",
        "My order says shipped but I never got a tracking number.",
        "The delivery date I was given has already passed and there's no update.",
        "The package was delivered to the wrong house number, I can see it in the driver's photo.",
        "The wrong size was sent, I ordered a medium and got a large.",
        "My parcel has been sitting in customs for over a week.",
        "Can you check with the courier where {order} actually is?",
        "The item was sent to my billing address instead of the delivery address.",
        "The parcel arrived wet and the packaging was falling apart.",
        "I've been waiting in all day for a delivery that never came.",
        "The return I sent {when} shows no movement on the tracking.",
        "My order went to a parcel locker but the code I was sent doesn't open it.",
        "Can you tell me when {order} will be dispatched? It still says processing.",
    ],
    "technical": [
        "The app crashes every time I open the {screen}.",
        "I get error {code} when I try to check out.",
        "The page just shows a blank white screen after I log in.",
        "The {screen} takes over a minute to load.",
        "Nothing happens when I click the submit button on the contact form.",
        "The mobile app won't open at all since version {version}.",
        "The sync between the desktop app and the website stopped working {when}.",
        "Files over 10 MB fail to upload with a generic 'something went wrong' message.",
        "The website keeps logging me out every few minutes while I'm using it.",
        "The export to PDF produces a file that won't open.",
        "Search results have nothing to do with what I type.",
        "The dashboard graphs show zero for everything even though we have data.",
        "The app drains my battery really fast since the last update.",
        "The barcode scanner in the app doesn't recognise anything.",
        "When I switch the language to Spanish half the buttons stay in English.",
        "The promo code box on the checkout page throws an error instead of applying the code.",
        "The integration with our spreadsheet tool stopped pulling in new data.",
        "Emails sent from the app arrive with broken formatting and missing images.",
        "The webhook we set up isn't firing anymore.",
        "The page jumps back to the top every time I scroll down on my phone.",
        "The {screen} shows a spinning wheel and never finishes loading.",
        "I'm getting a 'session expired' error even though I signed in a second ago.",
        "The size filter on the shop page doesn't filter anything.",
        "Our API key works in the test environment but returns 401 in production.",
        "The app freezes when I try to attach a photo to a return request.",
        "Notifications arrive hours late, sometimes the next day.",
        "The video tutorials won't play, I just get a black box.",
        "The date picker won't let me select anything after this month.",
        "The app shows prices in the wrong currency even though my region is set correctly.",
        "The keyboard covers the input field on the checkout form, so I can't see what I'm typing.",
        "Saved filters disappear every time I refresh the page.",
        "The browser extension stopped working after the latest update.",
        "The order tracking page returns a 404 error.",
        "Copy and paste doesn't work in the notes field.",
        "Every time I save a report it duplicates itself.",
        "The app says 'no internet connection' but everything else on my phone works fine.",
        "Uploading a profile picture gives me error {code}.",
        "The bulk import fails at row 1 with no explanation.",
        "The chat widget covers the checkout button on small screens.",
        "The {screen} has been showing yesterday's numbers all day, it doesn't refresh.",
        "The product images are blurry and stretched on the new website.",
        "Autosave isn't working, I lost an hour of edits.",
        "The desktop app sits at 100% CPU even when I'm not doing anything.",
        "Printing an invoice from the site cuts off the bottom half of the page.",
        "The QR code on the screen won't scan with any phone I try.",
        "The calendar integration shows everything in the wrong time zone.",
        "The app crashes when I turn my phone sideways.",
        "After the update none of my saved templates load.",
        "Pinch to zoom on the product photos doesn't work on touch screens.",
        "Every link in the weekly summary email goes to a 404 page.",
    ],
    "account": [
        "I can't log in, it says my password is wrong even though I just reset it.",
        "The password reset link never arrives.",
        "My account has been locked after too many login attempts.",
        "I think someone else has access to my account, there are orders on it I didn't place.",
        "I've lost access to my two-factor authentication app.",
        "My account says 'suspended' and I have no idea why.",
        "I signed up with a typo in my email and never got the verification message.",
        "I was logged out and now the login page says my account doesn't exist.",
        "The verification code never comes through when I try to sign in.",
        "There's a login from another country in my security log that wasn't me.",
        "My username is showing up as a random string of numbers.",
        "I'm not getting any emails from you anymore, did my account get unsubscribed?",
        "I was invited to a team workspace but the invite link says it has expired.",
        "I'd like to turn on two-factor authentication but the option is greyed out.",
        "All my saved addresses have disappeared from my profile.",
        "I can't remember which email I used to sign up.",
        "I need to update the phone number on my profile but there's no field for it.",
        "Our household accounts got merged somehow and now we see each other's orders.",
        "Can you confirm my account has been fully deleted? I asked for it {when}.",
        "I was removed as an admin and I'm the one who set up the workspace.",
        "I changed my email {when} but your messages still go to the old one.",
        "The single sign-on for our company has stopped letting people in.",
        "How do I get back into my account when I no longer have access to that email?",
        "My profile shows the wrong date of birth and it won't let me edit it.",
        "I keep getting password reset emails that I didn't ask for.",
        "Guest checkout created an account for me and I can't get into it.",
        "I accidentally removed a team member, can you restore their access?",
        "I can't find where to change my password in the settings.",
    ],
}

REQUESTS: dict[str, list[str]] = {
    "billing": [
        "Can you tell me when my next payment is due and how much it will be?",
        "I'd like to change the card you charge for my subscription, the old one expired.",
        "I was offered store credit for my return but I'd much prefer the money back on my card.",
        "I need an invoice with our company name on it, not my personal name.",
        "Could you split the payment for {order} across two cards?",
        "I'd like a refund for the annual plan, I've only used it for a week.",
        "Is it possible to get a pro-rated refund if I downgrade in the middle of the month?",
        "Please send me all of last year's invoices as PDFs for our accountant.",
        "Can we pay by invoice instead of credit card? We're a small business.",
        "How long do refunds usually take to show up on a debit card?",
        "The price dropped a day after I bought the {product}. Do you do price adjustments?",
        "Our finance team needs the invoices addressed to a different department.",
        "Can you turn off auto-renew on my subscription? I'd rather pay manually each year.",
        "Is there any way to get the annual discount applied to what I've already paid?",
    ],
    "shipping": [
        "I need to change the shipping address on {order} before it goes out.",
        "Can I pick up my order from the warehouse instead of waiting for delivery?",
        "Is it possible to schedule delivery for a specific day? I'm away until the 20th.",
        "I typed my flat number wrong, it should be 4B not 48.",
        "Could you hold my order until next week? Nobody will be home to receive it.",
        "Can you send the replacement for the broken {product} by express?",
        "It's a gift, so please make sure there's no receipt or price in the parcel.",
        "Will the parcel need a signature? I won't be home during the day.",
        "Is there any way to upgrade to faster shipping after ordering?",
        "I'd like to combine my two orders into one shipment if they haven't gone out yet.",
        "Which courier will deliver the {product}? I need to know if someone has to sign for it.",
    ],
    "technical": [
        "Is there a way to turn off the autoplay videos on the product pages? They slow "
        "everything down.",
        "Does the desktop app work offline or does it need a connection all the time?",
        "Is there an API endpoint for pulling our order data, or only the CSV export?",
    ],
    "account": [
        "I'd like to change the email address linked to my account.",
        "I want to delete my account and all the data attached to it.",
        "How do I add a new user to our team workspace?",
        "I need to remove a former employee from our account.",
        "Can I change the name on my account? My surname changed when I got married.",
        "I'd like to make my colleague an admin on our workspace.",
        "I want to unlink my social login and use a normal password instead.",
        "Please reactivate my old account, I closed it by mistake.",
        "How do I change my notification preferences so I only get order updates?",
        "I'd like to update the security questions on my account.",
        "I have two accounts and only want to keep the newer one.",
        "Can I switch my personal account to a business account?",
        "How do I change the default language on my profile?",
        "I've moved abroad and won't need this account anymore, how do I close it?",
        "Do I need a separate login for the mobile app?",
        "I'd like to download my order history before I close my account.",
        "Is it possible to have a separate login for each of our shop locations under one account?",
        "Can you update my account so that invoices go to our finance inbox instead of mine?",
        "I'd like to pause my account while I'm travelling instead of deleting it.",
        "Can I use the same login for the shop and the business dashboard?",
        "Is there a way to see all the devices that are signed in to my account?",
        "I want to change who the account owner is on our {plan} workspace.",
    ],
}

# ---------------------------------------------------------------------------- extra details
# One optional sentence per message, as (detail, keywords): the detail is only added to a core
# message that contains one of the "|"-separated keywords (any message when there are none),
# so that it fits what the message is about.

PROBLEM_DETAILS: dict[str, list[tuple[str, str]]] = {
    "billing": [
        ("The order number is {order}.", ""),
        ("Invoice {invoice} if that helps.", ""),
        ("I'm on the {plan} plan.", "plan|subscription|billed|renew"),
        ("The charge was {amount}.", "charge|billed"),
        ("I've attached a screenshot of my statement.", "charge|billed|bank"),
        ("This is the second month in a row.", "charged|billed|monthly"),
        ("I pay with a debit card.", "card"),
        ("My bank says the payment went through {when}.", "payment"),
    ],
    "shipping": [
        ("Order {order}.", ""),
        ("It's order {order}, the {product}.", ""),
        ("I ordered it {when}.", ""),
        ("It was a gift so the timing really matters.", "still|delivery|depot|customs|days"),
        ("I've ordered from you loads of times and never had this before.", ""),
        ("Tracking still says in transit.", "still hasn't arrived|stuck|customs|where"),
        ("The courier's website just tells me to contact the seller.", "tracking|courier|depot"),
    ],
    "technical": [
        ("I'm on version {version} of the app.", "app"),
        ("I've already cleared the cache and reinstalled.", "app"),
        ("It happens on both my phone and my laptop.", "page|website|site|link"),
        ("Same thing in private browsing mode.", "page|website|site"),
        ("It started {when}.", ""),
        ("Error code {code} if that helps.", "load|crash|fail|upload|import|export|open"),
        ("Screenshot attached.", ""),
        ("It was working fine until recently.", ""),
    ],
    "account": [
        ("My last order was {order} if you need to verify me.", ""),
        ("I've had the account for about four years.", "log|locked|suspended"),
        ("I still have access to my old email if that helps.", "email|reset|code"),
        ("I've tried from two different devices.", "log|code|sign"),
        ("I first noticed it {when}.", ""),
        ("I need to place an order today so this is urgent.", "log|locked|suspended|sign"),
    ],
}

REQUEST_DETAILS: dict[str, list[tuple[str, str]]] = {
    "billing": [
        ("I'm on the {plan} plan.", "plan|subscription|renew|payment"),
        ("The order number is {order}.", "refund|return|bought"),
        ("We've been customers for a few years now.", "we're|our"),
    ],
    "shipping": [
        ("Order {order}.", ""),
        ("It's order {order}, the {product}.", ""),
    ],
    "technical": [
        ("I'm on version {version} of the app.", "app"),
    ],
    "account": [
        ("My last order was {order} if you need to verify me.", ""),
        ("I've had the account for about four years.", ""),
        ("I'm the only admin on our workspace.", "workspace|colleague|employee"),
    ],
}

# A detail that carries an identifier may also come first ("Order #48213. My parcel ...").
LEAD_FIELDS = {"order", "invoice", "version", "plan"}

# ----------------------------------------------------------------------- openers and closers

PROBLEM_TONES = ("polite", "neutral", "angry", "confused")
PROBLEM_TONE_WEIGHTS = (45, 25, 15, 15)
REQUEST_TONES = ("polite", "plain", "unsure")
REQUEST_TONE_WEIGHTS = (60, 28, 12)

OPENERS: dict[str, list[str]] = {
    "polite": [
        "Hi,",
        "Hello,",
        "Hi there,",
        "Good morning,",
        "Good afternoon,",
        "Hello team,",
        "Hi support team,",
        "Hope you're well.",
        "Hi, hoping you can help.",
    ],
    "neutral": ["Hi.", "Hey,", "Hello.", "hey"],
    "plain": ["Hi.", "Hey,", "Hello.", "hey"],
    "angry": [
        "Seriously?",
        "Unbelievable.",
        "Again?!",
        "This is the second time I'm writing about this.",
        "I'm really frustrated.",
        "Not impressed.",
    ],
    "confused": [
        "Not sure if this is the right place, but",
        "Hi, I'm a bit confused.",
        "Hmm,",
        "Can someone explain this?",
    ],
    "unsure": [
        "Sorry if this is a silly question, but",
        "Not sure if this is the right place, but",
        "Quick question:",
        "Hi, quick question.",
    ],
}

CLOSERS: dict[str, list[str]] = {
    "polite": [
        "Thanks!",
        "Thank you.",
        "Thanks in advance.",
        "Many thanks.",
        "Appreciate your help.",
        "Thanks so much for looking into this.",
        "Let me know if you need anything else from me.",
        "Have a nice day!",
        "Cheers.",
    ],
    "neutral": ["Please advise.", "Let me know.", "Can you check?", "What are my options?"],
    "plain": ["Please advise.", "Let me know.", "Thanks."],
    "angry": [
        "This is ridiculous.",
        "Please sort this out today.",
        "I expect a reply this time.",
        "Very disappointing.",
        "Fix it please.",
        "I'm about to give up on you guys.",
        "Not acceptable.",
    ],
    "confused": [
        "Am I missing something?",
        "Is that normal?",
        "What should I do?",
        "Any idea what's going on?",
    ],
    "unsure": ["Thanks in advance.", "Thanks!", "Appreciate it."],
}

# ----------------------------------------------------------------------- placeholder values

PRODUCTS = (
    "desk lamp",
    "walnut desk organiser",
    "linen duvet cover",
    "ceramic pour-over set",
    "cordless hand blender",
    "kids' raincoat",
    "40L hiking backpack",
    "cast iron skillet",
    "yoga mat",
    "wireless doorbell",
    "weekend duffel bag",
    "smart plug",
    "standing desk mat",
    "electric kettle",
    "wool throw blanket",
    "air purifier",
    "office chair",
    "bike lock",
)
PLANS = ("Basic", "Plus", "Team", "Business")
WHEN = (
    "on the 3rd",
    "last Tuesday",
    "two weeks ago",
    "yesterday",
    "on Monday",
    "on March 14",
    "10 days ago",
    "last week",
    "early this month",
    "over the weekend",
    "on the 28th",
)
SCREENS = ("order history", "settings page", "cart", "dashboard", "wishlist", "reports tab")
ERROR_CODES = ("500", "403", "E1042", "ERR_TIMEOUT", "0x3F", "422", "E-207", "503")

# Common slips, applied to at most one word of a message: (word, typo).
TYPOS = (
    ("received", "recieved"),
    ("receive", "recieve"),
    ("please", "pls"),
    ("because", "becuase"),
    ("already", "allready"),
    ("account", "acount"),
    ("address", "adress"),
    ("password", "pasword"),
    ("you", "u"),
    ("I'm", "im"),
    ("don't", "dont"),
    ("can't", "cant"),
    ("doesn't", "doesnt"),
    ("delivery", "delivary"),
    ("invoice", "invocie"),
    ("tracking", "trackign"),
    ("until", "untill"),
    ("separate", "seperate"),
    ("anymore", "any more"),
    ("minutes", "mins"),
    ("through", "thru"),
)


def _placeholder_values(rng: random.Random) -> dict[str, str]:
    """Draw one value for every placeholder; a message uses the ones it names."""
    order = str(rng.randint(10000, 99999))
    cents = rng.choice(("00", "99", "49", "95", "50"))
    return {
        "order": order if rng.random() < 0.2 else f"#{order}",
        "amount": f"${rng.randint(4, 240)}.{cents}",
        "product": rng.choice(PRODUCTS),
        "plan": rng.choice(PLANS),
        "when": rng.choice(WHEN),
        "days": str(rng.randint(6, 24)),
        "invoice": f"INV-{rng.randint(100000, 999999)}",
        "code": rng.choice(ERROR_CODES),
        "version": f"{rng.randint(3, 5)}.{rng.randint(0, 12)}.{rng.randint(0, 9)}",
        "screen": rng.choice(SCREENS),
    }


def _fields(fragment: str) -> set[str]:
    """The placeholder names a fragment uses."""
    return {name for _, name, _, _ in string.Formatter().parse(fragment) if name}


def _join(opener: str, body: str) -> str:
    """Put an opener in front of a message; after a comma, colon or "but", carry on in lowercase."""
    if not opener:
        return body
    continues = opener.endswith((",", ":", "but")) or opener == "hey"
    if continues and not body.startswith(("I ", "I'")):
        body = body[0].lower() + body[1:]
    return f"{opener} {body}"


def _add_typo(text: str, rng: random.Random) -> str:
    candidates = [(word, typo) for word, typo in TYPOS if re.search(rf"\b{word}\b", text)]
    if not candidates:
        return text
    word, typo = rng.choice(candidates)
    return re.sub(rf"\b{word}\b", typo, text, count=1)


def _compose(core: str, label: str, is_request: bool, embellish: bool, rng: random.Random) -> str:
    """Dress a core message up with an opener, a detail and a closer in one tone, then style it.

    ``embellish`` asks for at least an opener or a detail, so that the second use of a core
    message reads differently from the first.
    """
    if is_request:
        tone = rng.choices(REQUEST_TONES, weights=REQUEST_TONE_WEIGHTS)[0]
        candidates = REQUEST_DETAILS[label]
    else:
        tone = rng.choices(PROBLEM_TONES, weights=PROBLEM_TONE_WEIGHTS)[0]
        candidates = PROBLEM_DETAILS[label]
    # A detail must fit the topic and must not restate what the core already says.
    details = [
        detail
        for detail, keywords in candidates
        if not _fields(detail) & _fields(core)
        and (not keywords or any(k in core.lower() for k in keywords.split("|")))
    ]
    closers = [c for c in CLOSERS[tone] if c.lower().rstrip("?.!") not in core.lower()]

    opener = rng.choice(OPENERS[tone]) if rng.random() < 0.45 else ""
    detail = rng.choice(details) if details and rng.random() < 0.4 else ""
    closer = rng.choice(closers) if rng.random() < 0.5 else ""
    if embellish and not opener and not detail:
        if details:
            detail = rng.choice(details)
        else:
            opener = rng.choice(OPENERS[tone])
    detail_first = not opener and bool(_fields(detail) & LEAD_FIELDS) and rng.random() < 0.5
    values = _placeholder_values(rng)

    def assemble() -> str:
        sentences = [detail, core] if detail_first else [core, detail]
        body = " ".join(s for s in sentences if s)
        return " ".join(s for s in (_join(opener, body), closer) if s).format(**values)

    text = assemble()
    # Keep messages short enough to read like real tickets: drop decoration until they fit.
    while len(text.split()) > MAX_WORDS:
        if closer:
            closer = ""
        elif detail:
            detail = ""
        else:
            opener = ""
        text = assemble()

    if tone == "angry" and text.endswith(".") and rng.random() < 0.4:
        text = text[:-1] + rng.choice(("!", "!!", "!!!"))
    if rng.random() < 0.15:
        text = _add_typo(text, rng)
    style = rng.random()
    if style < 0.1:
        text = text.lower().rstrip(".")
    elif style < 0.18:
        text = text.rstrip(".")
    return text


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _unique_rows(rng: random.Random) -> list[Row]:
    """Build ROWS_PER_LABEL[label] distinct messages for every label."""
    rows: list[Row] = []
    seen = {_normalise(text) for text, _ in CONFLICTING_TEXTS}
    for label in LABELS:
        texts = [s.format(**_placeholder_values(rng)) for s in STANDALONE[label]]
        for text in texts:
            if _normalise(text) in seen:
                raise ValueError(f"{label}: {text!r} is written twice")
            seen.add(_normalise(text))

        cores = [(core, False) for core in PROBLEMS[label]]
        cores += [(core, True) for core in REQUESTS[label]]
        # Every core once in a shuffled order, then as many again as needed in a new order.
        first_round = rng.sample(cores, k=len(cores))
        second_round = [(core, is_request, True) for core, is_request in first_round]
        rng.shuffle(second_round)
        plan = [(core, is_request, False) for core, is_request in first_round] + second_round
        needed = ROWS_PER_LABEL[label] - len(texts)
        if not len(first_round) <= needed <= len(plan):
            raise ValueError(f"{label}: cannot build {ROWS_PER_LABEL[label]} rows from the cores")

        for core, is_request, embellish in plan[:needed]:
            for _ in range(50):
                text = _compose(core, label, is_request, embellish, rng)
                if _normalise(text) not in seen:
                    break
            else:
                raise ValueError(f"{label}: could not make a new variant of {core!r}")
            texts.append(text)
            seen.add(_normalise(text))
        rows.extend((text, label) for text in texts)
    return rows


def _with_whitespace(text: str, style: str, rng: random.Random) -> str:
    if style == "double_space":
        spaces = [i for i, char in enumerate(text) if char == " "]
        i = rng.choice(spaces)
        return text[:i] + "  " + text[i + 1 :]
    if style == "trailing_space":
        return text + "  "
    if style == "leading_space":
        return " " + text
    return text


def _check(rows: list[Row]) -> None:
    """Refuse to write rows that Jinja would interpret or that are otherwise broken."""
    for text, label in rows:
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}")
        if not text.strip():
            raise ValueError("empty text")
        if any(delimiter in text for delimiter in JINJA_DELIMITERS):
            raise ValueError(f"text contains a Jinja delimiter: {text!r}")
        if "{" in text or "}" in text:
            raise ValueError(f"text contains an unfilled placeholder: {text!r}")
        if "\n" in text or "\r" in text:
            raise ValueError(f"text contains a line break: {text!r}")


def build_rows(seed: int = SEED) -> list[Row]:
    """Return every (text, label) row of the sample dataset, in file order."""
    # A seeded generator is what we want here: reproducible output, not unpredictability.
    rng = random.Random(seed)  # noqa: S311
    rows = _unique_rows(rng)
    originals = rng.sample(rows, k=len(DUPLICATE_STYLES))
    duplicates = [
        (_with_whitespace(text, style, rng), label)
        for (text, label), style in zip(originals, DUPLICATE_STYLES, strict=True)
    ]
    conflicts = [(text, label) for text, labels in CONFLICTING_TEXTS for label in labels]
    rows = rows + duplicates + conflicts
    rng.shuffle(rows)
    _check(rows)
    return rows


def render(seed: int = SEED) -> str:
    """Return the full content of the shipped file: the templated header, then plain CSV."""
    buffer = io.StringIO()
    buffer.write(HEADER)
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerows(build_rows(seed))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the sample support-ticket dataset shipped with the template."
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="file to write or check (default: %(default)s)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the file differs from what this script generates",
    )
    args = parser.parse_args(argv)
    output: Path = args.output
    content = render().encode("utf-8")

    if args.check:
        if not output.is_file() or output.read_bytes() != content:
            print(
                f"{output} is out of date: regenerate it with python scripts/make_sample_data.py",
                file=sys.stderr,
            )
            return 1
        return 0

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
