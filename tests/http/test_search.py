"""GET /v1/messages: every filter alone and combined, repeated and
comma-separated values, pagination walks, and refused parameters."""
import time
import urllib.parse

from cases import ApiCase, new_account, new_number, query


class SearchTest(ApiCase):
    def search(self, **params):
        return self.assertPage(self.srv.request("GET", "/v1/messages" + query(**params)))

    def ids(self, page):
        return [m["message_id"] for m in page["data"]]

    def test_search__by_sender_accepts_repeated_and_comma_separated_values(self):
        a, b, c = new_number(), new_number(), new_number()
        ma = self.created(sender_number=a)
        mb = self.created(sender_number=b)
        mc = self.created(sender_number=c)
        expected = [mc["message_id"], mb["message_id"], ma["message_id"]]
        self.assertEqual(self.ids(self.search(sender_number=[a, b, c])), expected)
        self.assertEqual(self.ids(self.search(sender_number="%s,%s,%s" % (a, b, c))), expected)
        self.assertEqual(self.ids(self.search(sender_number=[a + "," + b, c])), expected)
        self.assertEqual(self.ids(self.search(sender_number=a)), [ma["message_id"]])

    def test_search__by_receiver(self):
        to = new_number()
        made = self.created(receiver_number=to)
        self.created()
        self.assertEqual(self.search(receiver_number=to)["data"], [made])

    def test_search__by_message_ids(self):
        made = [self.created() for _ in range(3)]
        page = self.search(message_id=",".join(m["message_id"] for m in made[:2]))
        self.assertEqual(page["data"], [made[1], made[0]])

    def test_search__by_accounts(self):
        a, b = new_account(), new_account()
        ma, mb = self.created(a), self.created(b)
        self.assertEqual(self.search(account_id=[a, b])["data"], [mb, ma])
        self.assertEqual(self.search(account_id="%d,%d" % (a, b))["data"], [mb, ma])

    def test_search__combines_fields_with_and(self):
        account, sender = new_account(), new_number()
        both = self.created(account, sender_number=sender)
        self.created(account)
        self.created(sender_number=sender)
        self.assertEqual(self.search(account_id=account, sender_number=sender)["data"], [both])

    def test_search__by_text_ignores_case_and_compatibility_forms(self):
        account = new_account()
        hit = self.created(account, body="Meet me at the Straße tonight")
        self.created(account, body="nothing to see")
        self.assertEqual(self.search(account_id=account, q="STRASSE")["data"], [hit])
        self.assertEqual(self.search(account_id=account, q="tonight meet")["data"], [hit])
        self.assertEqual(self.search(account_id=account, q="tonight absent")["data"], [])

    def test_search__by_creation_time_bounds(self):
        account = new_account()
        first = self.created(account)
        time.sleep(0.01)
        second = self.created(account)
        time.sleep(0.01)
        third = self.created(account)
        page = self.search(account_id=account, created_after=first["created_at"],
                           created_before=third["created_at"])
        self.assertEqual(page["data"], [second])
        offset = self.search(account_id=account, created_after="1970-01-01T01:00:00+01:00")
        self.assertEqual(offset["data"], [third, second, first])

    def test_search__walk_visits_every_match_once(self):
        account = new_account()
        made = [self.created(account) for _ in range(5)]
        pages = self.walk("/v1/messages?account_id=%d" % account, 2)
        self.assertEqual([m for p in pages for m in p["data"]], list(reversed(made)))

    def test_search__a_cursor_with_another_filter_is_422(self):
        account = new_account()
        for _ in range(2):
            self.created(account)
        page = self.search(account_id=account, limit=1)
        r = self.srv.request("GET", "/v1/messages" + query(account_id=new_account(),
                                                           cursor=page["next_cursor"]))
        self.assertProblem(r, 422, "cursor")

    def test_search__a_bad_date_time_is_422_naming_the_parameter(self):
        for name in ("created_after", "created_before"):
            for value in ("yesterday", "2026-13-01T00:00:00Z", "2026-11-28"):
                with self.subTest(name=name, value=value):
                    r = self.srv.request("GET", "/v1/messages" + query(**{name: value}))
                    self.assertProblem(r, 422, name)

    def test_search__an_account_id_that_is_not_an_integer_is_422(self):
        r = self.srv.request("GET", "/v1/messages?account_id=12,abc")
        self.assertProblem(r, 422, "account_id")

    def test_search__an_invalid_number_is_422_naming_the_field(self):
        r = self.srv.request("GET", "/v1/messages?sender_number=12a")
        self.assertProblem(r, 422, "sender_number")

    def test_search__a_query_without_words_is_422_naming_q(self):
        r = self.srv.request("GET", "/v1/messages" + query(q="!!! ..."))
        self.assertProblem(r, 422, "q")

    def test_search__more_than_100_values_is_422(self):
        numbers = ",".join(new_number() for _ in range(101))
        r = self.srv.request("GET", "/v1/messages?sender_number=" + urllib.parse.quote(numbers))
        self.assertProblem(r, 422, "sender_number")

    def test_search__an_unknown_parameter_is_400(self):
        self.assertProblem(self.srv.request("GET", "/v1/messages?sender=1"), 400, "sender")

    def test_search__a_repeated_single_valued_parameter_is_400(self):
        for name in ("q", "limit", "cursor", "created_after", "created_before"):
            with self.subTest(name=name):
                r = self.srv.request("GET", "/v1/messages?%s=1&%s=2" % (name, name))
                self.assertProblem(r, 400, name)

    def test_search__a_malformed_query_string_is_400(self):
        self.assertProblem(self.srv.request("GET", "/v1/messages?q=%E2%82"), 400)
        self.assertProblem(self.srv.request("GET", "/v1/messages?q=%"), 400)
