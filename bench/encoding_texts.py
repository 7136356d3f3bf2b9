"""Non-Chinese texts for the encoding benchmark, written for it (short notices of
the kind a health office or a news site publishes), with the legacy encodings each
language is really served in. Chinese texts come from ../shared/data instead."""

from __future__ import annotations

OTHER_TEXTS: dict[str, tuple[tuple[str, ...], list[str]]] = {
    "en": (
        ("cp1252",),
        [
            "The health office will publish the daily figures at 10 o’clock; "
            "questions about testing sites go to the hotline — not to the clinics.",
            "Schools reopen on Monday. Pupils who feel unwell should stay at home "
            "and their parents should call the school’s office before 8 a.m.",
            "Vaccination appointments can be booked online or at the town hall; "
            "bring your insurance card and, if you have one, the yellow booklet.",
        ],
    ),
    "fr": (
        ("cp1252", "iso-8859-1"),
        [
            "Le centre de dépistage de la mairie sera fermé jeudi en raison des "
            "travaux ; les habitants sont priés de se rendre à l'hôpital général.",
            "À partir de lundi, le port du masque n'est plus obligatoire dans les "
            "transports, mais il reste recommandé aux personnes âgées et fragiles.",
            "Les élèves de troisième passeront leurs épreuves comme prévu. Les "
            "familles concernées recevront un courrier électronique cette semaine.",
        ],
    ),
    "de": (
        ("cp1252", "iso-8859-1"),
        [
            "Das Gesundheitsamt öffnet ab Dienstag eine zusätzliche Teststelle "
            "am Marktplatz; Termine gibt es über die Bürgerhotline.",
            "Für Schülerinnen und Schüler gilt weiterhin die Maskenpflicht im "
            "Unterricht. Ausnahmen müssen schriftlich begründet werden.",
            "Die Impfaktion in der Stadthalle wird verlängert, weil die Nachfrage "
            "größer ist als erwartet. Bitte bringen Sie Ihren Ausweis mit.",
        ],
    ),
    "es": (
        ("cp1252", "iso-8859-1"),
        [
            "La consejería de sanidad informa de que mañana se amplía el horario "
            "de vacunación en el polideportivo municipal hasta las nueve.",
            "Los niños menores de doce años no necesitarán cita previa. ¿Dudas? "
            "Llame al teléfono de atención ciudadana o consulte la página web.",
            "El ayuntamiento recuerda que la campaña de información continúa en "
            "las farmacias y en los centros de salud de cada distrito.",
        ],
    ),
    "pt": (
        ("cp1252", "iso-8859-1"),
        [
            "A direção-geral de saúde anunciou que a vacinação das crianças começa "
            "na próxima semana, nas escolas e nos centros de saúde.",
            "Os cidadãos devem manter a distância e lavar as mãos com frequência; "
            "as máscaras continuam obrigatórias nos transportes públicos.",
        ],
    ),
    "pl": (
        ("cp1250", "iso-8859-2"),
        [
            "Sanepid informuje, że od poniedziałku punkt szczepień przy ulicy "
            "Długiej będzie czynny również w sobotę. Zapisy przez telefon.",
            "Uczniowie wracają do szkół, ale zajęcia wychowania fizycznego odbędą "
            "się na świeżym powietrzu. Rodzice otrzymają szczegółowe informacje.",
        ],
    ),
    "cs": (
        ("cp1250", "iso-8859-2"),
        [
            "Krajská hygienická stanice upozorňuje, že očkovací centrum v nemocnici "
            "bude od pondělí otevřeno déle. Registrace probíhá přes internet.",
            "Žáci základních škol se vracejí do lavic; ředitelé dostanou pokyny, "
            "jak postupovat při výskytu nákazy ve třídě.",
        ],
    ),
    "ru": (
        ("cp1251", "koi8-r"),
        [
            "Управление здравоохранения сообщает, что с понедельника пункт "
            "вакцинации в поликлинике будет работать до восьми часов вечера.",
            "Школьники возвращаются к очным занятиям. Родителям рекомендуют "
            "следить за самочувствием детей и при первых симптомах вызывать врача.",
            "Горячая линия принимает звонки круглосуточно; ответы на частые "
            "вопросы опубликованы на официальном сайте администрации города.",
        ],
    ),
    "uk": (
        ("cp1251",),
        [
            "Міський центр громадського здоров'я повідомляє, що щеплення у "
            "школах розпочнеться наступного тижня. Батьки отримають листи.",
        ],
    ),
    "el": (
        ("cp1253", "iso-8859-7"),
        [
            "Η υπηρεσία δημόσιας υγείας ανακοινώνει ότι το εμβολιαστικό κέντρο "
            "του δήμου θα λειτουργεί και το Σάββατο από τις εννέα το πρωί.",
            "Οι μαθητές επιστρέφουν στα σχολεία τη Δευτέρα. Οι γονείς παρακαλούνται "
            "να ενημερώνουν το σχολείο αν το παιδί έχει συμπτώματα.",
        ],
    ),
    "tr": (
        ("cp1254", "iso-8859-9"),
        [
            "İl sağlık müdürlüğü, aşı randevularının hafta sonu da alınabileceğini "
            "duyurdu. Vatandaşların kimlik kartlarını yanlarında getirmeleri gerekiyor.",
            "Öğrenciler pazartesi günü okula dönüyor; sınıflarda havalandırma "
            "kurallarına uyulması isteniyor.",
        ],
    ),
    "ja": (
        ("shift_jis", "euc-jp"),
        [
            "保健所は、来週から市民会館でワクチンの集団接種を行うと発表しました。"
            "予約は電話またはインターネットで受け付けています。",
            "学校は月曜日から再開します。体調の悪いお子さんは無理をせず、家庭で休ませてください。",
            "発熱などの症状がある方は、まずかかりつけの医師に電話で相談してください。",
        ],
    ),
    "ko": (
        ("euc-kr",),
        [
            "보건소는 다음 주부터 시민회관에서 예방접종을 실시한다고 밝혔습니다. "
            "예약은 전화나 인터넷으로 할 수 있습니다.",
            "학교는 월요일부터 다시 문을 엽니다. 몸이 아픈 학생은 집에서 쉬도록 "
            "부모님께서 지도해 주시기 바랍니다.",
            "발열 증상이 있는 분은 먼저 가까운 선별진료소에 전화로 문의하시기 바랍니다.",
        ],
    ),
}
