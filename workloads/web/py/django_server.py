# TechEmpower's six test types on Django 3.2 (Debian's): models and the ORM over psycopg2, views,
# JsonResponse, a Django template, configured in this one file; on waitress's threads, each with
# its own persistent database connection: the synchronous style, one request per thread at a
# time. setup() listens and returns the port; standalone:
# `/usr/bin/python3 django_server.py --port P --db URL`.

import django
from django.conf import settings

import techempower as te

urlpatterns = []


def configure(params):
    """Django's settings for this process and the WSGI app, once. Django's settings, model registry
    and URL resolver are process-wide and outlive this module: duet run loads a fresh module for each
    test type in one process, so the app is kept on the django package itself and reused, for the
    same database only."""
    url = te.database_url(params)
    configured = getattr(django, "_duet_techempower", None)
    if configured is not None:
        if configured[0] != url:
            raise RuntimeError(f"Django is already configured in this process for {configured[0]}, not {url}")
        return configured[1]
    name, user, host, port, password = te.url_parts(url)
    settings.configure(
        DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, INSTALLED_APPS=[], USE_TZ=False,
        # CommonMiddleware, as in every Django project: it also sets Content-Length, without which
        # waitress answers chunked and closes the connection.
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
        SECRET_KEY="duet-techempower",  # Django requires one; nothing here is signed
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": user, "HOST": host,
                               "PORT": port, "PASSWORD": password, "CONN_MAX_AGE": None}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
    django.setup()
    global urlpatterns
    urlpatterns = routes()  # ROOT_URLCONF is this module: Django reads it at the first request
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    django._duet_techempower = (url, app)
    return app


def routes():
    """The models, views and URL patterns; Django lets models be defined only once it is set up."""
    from django.db import models, transaction
    from django.http import HttpResponse, JsonResponse
    from django.template import engines
    from django.urls import path

    class World(models.Model):
        randomnumber = models.IntegerField()

        class Meta:
            app_label = "techempower"
            db_table = "world"
            managed = False

    class Fortune(models.Model):
        message = models.CharField(max_length=2048)

        class Meta:
            app_label = "techempower"
            db_table = "fortune"
            managed = False

    # The Jinja2 page of the other servers is valid Django template syntax as it stands.
    template = engines["django"].from_string(te.FORTUNES_JINJA)

    def world(w):
        return {"id": w.id, "randomNumber": w.randomnumber}

    def json_(request):
        return JsonResponse({"message": te.HELLO})

    def plaintext(request):
        return HttpResponse(te.HELLO, content_type="text/plain")

    def db(request):
        return JsonResponse(world(World.objects.get(id=te.random_id())))

    def queries(request):
        count = te.clamp_queries(request.GET.get("queries"))
        return JsonResponse([world(World.objects.get(id=te.random_id())) for _ in range(count)], safe=False)

    def updates(request):
        count = te.clamp_queries(request.GET.get("queries"))
        worlds = [World.objects.get(id=i) for i in te.distinct_ids(count)]  # each row on its own query
        for w in worlds:
            w.randomnumber = te.new_random_number(w.randomnumber)
        # One batched UPDATE, rows in id order so concurrent requests cannot deadlock.
        with transaction.atomic():
            World.objects.bulk_update(sorted(worlds, key=lambda w: w.id), ["randomnumber"])
        return JsonResponse([world(w) for w in worlds], safe=False)

    def fortunes(request):
        rows = [(f.id, f.message) for f in Fortune.objects.all()]
        return HttpResponse(template.render({"fortunes": te.sorted_fortunes(rows)}), content_type="text/html; charset=utf-8")

    return [path("json", json_), path("plaintext", plaintext), path("db", db), path("queries", queries),
            path("updates", updates), path("fortunes", fortunes)]


def setup(params):
    app = configure(params)
    return te.serve_wsgi(app, params)


def teardown(state):
    from django.db import connections

    te.stop_wsgi(state)
    connections.close_all()


run = te.run  # the requests served since the last call (duet run's cross-check)


if __name__ == "__main__":
    te.run_wsgi_standalone(setup, teardown)
